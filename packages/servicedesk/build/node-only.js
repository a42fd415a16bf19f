// Stands in for modules the Genesys SDK reaches only when `typeof window === 'undefined'` (config file, winston
// logging): in the browser bundle those branches never run, so nothing of them is shipped.
export default {};
