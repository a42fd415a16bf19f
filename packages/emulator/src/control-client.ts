/**
 * One JSON call to a running emulator's control API (`controlUrl` is its `/control` base): the parsed answer, or an
 * error naming the call, the status and the body when the answer is not 2xx. For tests, benchmarks and scripts.
 */
export async function callControl<T = unknown>(
  controlUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${controlUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
