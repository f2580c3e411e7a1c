/**
 * An object as YAML text for the detail panes (issue #5): small objects stringified in place (no round trip, no
 * flicker), big ones (a 0.8 MiB CRD takes the `yaml` package ~200 ms) in the YAML worker, latest wins. While a newer
 * version of the same object is on its way the previous text stays shown; `pending` drives a spinner.
 * Highlighting is per line in components/YamlView (only the lines in view, for big documents).
 */
import { ref, toRaw, watch, type Ref } from 'vue';
import type { ApiObject } from '../../../electron/preload/api';
import { isAbort, latestOnly } from '../lib/worker-rpc';
import { objectYaml } from '../lib/yaml-render';
import { atLeastChars } from '../lib/yaml-size';
import { yamlWorker } from '../workers/clients';

/** Below this much text the YAML is made in place (a few ms at most). */
export const IN_PLACE_LIMIT = 32 * 1024;

export interface ObjectYamlState {
  /** null until the first text for this object arrives. */
  text: Ref<string | null>;
  pending: Ref<boolean>;
}

/** `managed`: keep metadata.managedFields (kubectl hides them unless --show-managed-fields). */
export function useObjectYaml(source: () => ApiObject | null | undefined, managed = false): ObjectYamlState {
  const text = ref<string | null>(null);
  const pending = ref(false);
  const latest = latestOnly();
  watch(
    source,
    (object, before) => {
      if (!object || !atLeastChars(object, IN_PLACE_LIMIT)) {
        latest.cancel();
        pending.value = false;
        text.value = object ? objectYaml(object, managed) : null;
        return;
      }
      pending.value = true;
      // Another object: do not leave the last one's YAML up meanwhile.
      if (object.metadata?.uid !== before?.metadata?.uid || object.kind !== before?.kind) text.value = null;
      yamlWorker()
        .call('objectYaml', [toRaw(object), managed], { signal: latest.next() })
        .then((t) => {
          text.value = t;
          pending.value = false;
        })
        .catch((err: unknown) => {
          if (isAbort(err)) return;
          text.value = objectYaml(object, managed); // the worker failed: still show it
          pending.value = false;
        });
    },
    { immediate: true },
  );
  return { text, pending };
}
