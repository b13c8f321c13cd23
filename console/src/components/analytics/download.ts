/** Saves a response as a file (exports need the access token, so a plain link cannot fetch them). */
import { ApiError } from '../../api/client.ts';

export async function saveResponse(call: Promise<Response>, fallbackName: string): Promise<void> {
  let res: Response;
  try {
    res = await call;
  } catch {
    throw new ApiError('No answer from the server. Check that Herald is running and that this computer is online.');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(body?.error?.message ?? `The export failed (${res.status}).`, res.status);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
