// Svelte action for modal layers (viewer, dialogs): takes the focus on open, keeps Tab and Shift+Tab inside,
// closes on Esc, and gives the focus back to where it was (or to a fallback) on close.
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface FocusTrapOptions {
  onEscape?: () => void;
  /** give the focus back to the element that had it before (default true) */
  restore?: boolean;
  /** called on close instead, when that element is gone */
  onRestoreFailed?: () => void;
  /** element inside to focus first (default: the layer itself, which needs tabindex="-1") */
  initial?: string;
}

export function focusTrap(node: HTMLElement, initialOptions: FocusTrapOptions = {}) {
  let options = initialOptions;
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const focusables = () => [...node.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);

  function onkeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && options.onEscape) {
      event.preventDefault();
      event.stopPropagation();
      options.onEscape();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = focusables();
    const first = items[0];
    const last = items.at(-1);
    const active = document.activeElement;
    if (!first || !last) {
      event.preventDefault();
      node.focus();
    } else if (event.shiftKey && (active === first || active === node || !node.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !node.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  // A focused button that becomes disabled drops the focus to <body>: bring it back into the layer.
  function onfocusout(event: FocusEvent) {
    if (event.relatedTarget) return;
    queueMicrotask(() => {
      if (node.isConnected && (document.activeElement === document.body || document.activeElement === null)) node.focus({ preventScroll: true });
    });
  }

  node.addEventListener('keydown', onkeydown);
  node.addEventListener('focusout', onfocusout);
  const start = options.initial ? node.querySelector<HTMLElement>(options.initial) : null;
  (start ?? node).focus({ preventScroll: true });

  return {
    update(next: FocusTrapOptions) {
      options = next;
    },
    destroy() {
      node.removeEventListener('keydown', onkeydown);
      node.removeEventListener('focusout', onfocusout);
      if (options.restore === false) return;
      if (previous?.isConnected) previous.focus({ preventScroll: true });
      else options.onRestoreFailed?.();
    },
  };
}
