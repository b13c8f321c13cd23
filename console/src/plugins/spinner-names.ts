/**
 * Vuetify draws a loading button's (and a loading field's) spinner as a `role="progressbar"` with no
 * name, and offers no default for it: axe calls that serious (aria-progressbar-name), and a screen
 * reader announces a nameless progress bar. This gives every spinner without a name the name
 * "Loading" as it appears, in one place instead of a loader slot on each of dozens of buttons.
 */
const UNNAMED = '.v-progress-circular[role="progressbar"]:not([aria-label]):not([aria-labelledby])';

function name(root: ParentNode): void {
  for (const el of root.querySelectorAll(UNNAMED)) el.setAttribute('aria-label', 'Loading');
}

/** Names the spinners in `root` now and whenever new ones are added; returns a stop function. */
export function nameSpinners(root: HTMLElement = document.body): () => void {
  name(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches(UNNAMED)) node.setAttribute('aria-label', 'Loading');
        name(node);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}
