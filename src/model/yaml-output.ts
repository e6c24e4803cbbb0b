/**
 * Values as YAML text, for what vngshift writes (generated clusters, chaos regression scenarios, the chaos Job manifest):
 * block style (keys whose value is undefined left out), double quotes where a string needs them (and for YAML 1.1 words such as "yes"), no line folding, no anchors.
 * The same library as the input side (yaml-input.ts).
 */
import { dump } from 'js-yaml';

export function yamlText(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, quotingType: '"', skipInvalid: true });
}
