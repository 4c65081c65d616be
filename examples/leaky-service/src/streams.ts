import { BehaviorSubject, map } from 'rxjs';

export const prices = new BehaviorSubject<number>(0);

/** A view that subscribes to a shared stream and forgets the subscription; dispose() cannot end it. */
export class PriceView {
  private latest = '';

  constructor() {
    prices.pipe(map((p) => p.toFixed(2))).subscribe((text) => (this.latest = text));
  }

  render(): string {
    return this.latest;
  }

  dispose(): void {
    this.latest = '';
  }
}
