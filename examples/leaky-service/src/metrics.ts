import { EventEmitter } from 'node:events';

export const bus = new EventEmitter();

/** Collects metrics every second; dispose() forgets to clear the timer and to remove the listener. */
export class MetricsCollector {
  private readonly samples: number[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly source: EventEmitter) {
    this.timer = setInterval(() => this.flush(), 1000);
    this.source.on('sample', this.onSample);
  }

  private readonly onSample = (value: number): void => {
    this.samples.push(value);
    if (this.samples.length > 100) this.samples.shift();
  };

  flush(): void {
    bus.emit('metrics', this.samples.slice());
  }

  dispose(): void {
    this.samples.length = 0;
  }
}

/** A heartbeat whose handle is dropped: nothing can ever stop it. */
export class Heartbeat {
  start(): void {
    setInterval(() => this.beat(), 5000);
  }

  beat(): void {
    bus.emit('beat');
  }

  stop(): void {
    bus.removeAllListeners('beat');
  }
}
