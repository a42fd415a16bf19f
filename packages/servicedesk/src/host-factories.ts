import type {
  ServiceDesk as CarbonServiceDesk,
  ServiceDeskFactoryParameters as CarbonServiceDeskFactoryParameters,
} from '@carbon/ai-chat';
import { createFactoryWith, type Channels, type FactoryControls } from './create-factory';
import type { ServiceDeskFactoryParameters } from './hosts/host-types';
import type { GenesysServiceDeskOptions } from './options';
import type { GenesysServiceDesk } from './service-desk/genesys-service-desk';

/**
 * What `createGenesysServiceDeskFactory({ host: 'carbon' })` returns: a Carbon AI Chat `serviceDeskFactory` (its
 * `serviceDeskFactory` prop takes it as it is), plus `logOut`. It takes the parameters both hosts give and resolves
 * to the desk, whose type is checked against Carbon's own `ServiceDesk` below.
 */
export type CarbonServiceDeskFactory = ((parameters: ServiceDeskFactoryParameters) => Promise<GenesysServiceDesk>) &
  FactoryControls;

/**
 * Compile-time check against the installed `@carbon/ai-chat` (a peer dependency: its own types, not a copy of
 * them): Carbon's parameters must be ones the desk takes, and the desk must be a Carbon `ServiceDesk`. A Carbon
 * release that drifts from what the desk does fails here, at `tsc`, and in an app's build, not at run time.
 */
export type FitsCarbon = Assert<
  CarbonServiceDeskFactory extends (parameters: CarbonServiceDeskFactoryParameters) => Promise<CarbonServiceDesk>
    ? true
    : false
>;
type Assert<T extends true> = T;

/**
 * What `createGenesysServiceDeskFactory({ host: 'watsonx' })` returns: the hosted watsonx Assistant web chat's
 * `serviceDeskFactory`, which gets the desk synchronously (the hosted web chat publishes no npm types to take it from).
 */
export type WatsonxServiceDeskFactory = ((parameters: ServiceDeskFactoryParameters) => GenesysServiceDesk) &
  FactoryControls;

/** `createGenesysServiceDeskFactory`: the factory's type follows `host` (Carbon AI Chat unless told otherwise). */
export interface CreateGenesysServiceDeskFactory {
  (options: GenesysServiceDeskOptions & { host: 'watsonx' }): WatsonxServiceDeskFactory;
  (options: GenesysServiceDeskOptions & { host?: 'carbon' | undefined }): CarbonServiceDeskFactory;
  (options: GenesysServiceDeskOptions): CarbonServiceDeskFactory | WatsonxServiceDeskFactory;
}

/** The public factory for the channels an entry point carries. */
export function factoryCreatorFor(channels: Channels): CreateGenesysServiceDeskFactory {
  function create(options: GenesysServiceDeskOptions & { host: 'watsonx' }): WatsonxServiceDeskFactory;
  function create(options: GenesysServiceDeskOptions & { host?: 'carbon' | undefined }): CarbonServiceDeskFactory;
  function create(options: GenesysServiceDeskOptions): CarbonServiceDeskFactory | WatsonxServiceDeskFactory;
  function create(options: GenesysServiceDeskOptions): CarbonServiceDeskFactory | WatsonxServiceDeskFactory {
    const { host, desk, logOut } = createFactoryWith(options, channels);
    // Hosted watsonx web chat gets the desk synchronously (the only shape proven on v7); Carbon AI Chat gets a
    // Promise, as its types say.
    if (host === 'watsonx') return Object.assign((p: ServiceDeskFactoryParameters) => desk(p), { logOut });
    return Object.assign(async (p: ServiceDeskFactoryParameters) => desk(p), { logOut });
  }
  return create;
}
