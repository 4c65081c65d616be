/** Log lines piped into the agent. The agent forwards complete lines but never drops them from the buffer. */
let received = '';
process.stdin.on('data', (chunk: Buffer) => {
  received += chunk.toString('utf8');
  const lines = received.split('\n');
  void forward(lines.slice(0, -1));
});

/** One request per webhook subscriber, all at once: a few thousand subscribers exhaust the sockets. */
export async function notifySubscribers(subscribers: string[], event: unknown): Promise<void> {
  await Promise.all(subscribers.map((url) => fetch(url, { method: 'POST', body: JSON.stringify(event) })));
}

async function forward(lines: string[]): Promise<void> {
  if (lines.length) await notifySubscribers(['https://logs.example.com/ingest'], { lines });
}
