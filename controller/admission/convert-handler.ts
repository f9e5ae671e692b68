// The conversion webhook: every object of a ConversionReview to the desired version. One object
// that cannot be converted fails the whole review (the API server requires all or nothing), with
// the object's name and the reason.
import type { CompiledConversionPath } from './conversion.ts';
import { type Convertible, convertObject } from './conversion.ts';
import type { ConversionRequest, ConversionResponse } from './review.ts';

export function convertRequest(paths: readonly CompiledConversionPath[], req: ConversionRequest): ConversionResponse {
  const slash = req.desiredAPIVersion.lastIndexOf('/');
  const desiredVersion = req.desiredAPIVersion.slice(slash + 1);
  const converted: unknown[] = [];
  for (const object of req.objects) {
    try {
      converted.push(convertObject(paths, object as Convertible, desiredVersion));
    } catch (err) {
      const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
      const name = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
      return {
        uid: req.uid,
        convertedObjects: [],
        result: {
          status: 'Failure',
          message: `converting ${name} from ${String(object.apiVersion)} to ${req.desiredAPIVersion}: ${err instanceof Error ? err.message : String(err)}`,
        },
      };
    }
  }
  return { uid: req.uid, convertedObjects: converted, result: { status: 'Success' } };
}
