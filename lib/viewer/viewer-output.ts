/**
 * Text for stdout, gathered during a chunk and written between chunks,
 * waiting for the stream to drain: `list` on a large file runs at the speed
 * of its reader (a pager, `head`) without holding what it cannot take yet.
 * A reader gone away (EPIPE, `| head`) stops the viewer quietly.
 */
export class ViewerOutput {
  private pending = '';
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', () => {
      this.closed = true;
    });
  }

  /** False once the reader has gone away: there is no point reading on. */
  get open(): boolean {
    return !this.closed;
  }

  write(text: string): void {
    if (!this.closed) this.pending += text;
  }

  async flush(): Promise<void> {
    if (this.pending === '' || this.closed) return;
    const text = this.pending;
    this.pending = '';
    if (this.stream.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }
}
