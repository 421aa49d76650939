/**
 * `scalp-tui rebalance --dry-run | head -3`: once the reader goes away, output is simply no
 * longer wanted. Further writes to that stream become no-ops and the command finishes normally
 * (its journal and state files complete), instead of dying on an unhandled EPIPE.
 */
export function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
			stream.write = (() => true) as typeof stream.write;
			return;
		}
		// Any other stream failure: one line where it can still be read, then the usual exit code.
		if (stream !== process.stderr) process.stderr.write(`scalp-tui: cannot write output: ${error.code ?? error.message}\n`);
		process.exitCode = 1;
	});
}
