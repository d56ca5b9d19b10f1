// Toast messages (errors and short confirmations), auto-dismissed after a few seconds.
export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

const TOAST_LIFETIME_MS = 6000;

class Notifications {
  items = $state<Toast[]>([]);
  #nextId = 1;

  error(text: string): void {
    this.#push('error', text);
  }

  info(text: string): void {
    this.#push('info', text);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }

  #push(kind: Toast['kind'], text: string): void {
    const id = this.#nextId++;
    this.items = [...this.items.slice(-3), { id, kind, text }];
    setTimeout(() => this.dismiss(id), TOAST_LIFETIME_MS);
  }
}

export const notifications = new Notifications();
