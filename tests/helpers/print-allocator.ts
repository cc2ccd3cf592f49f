/** Run by tests/examples/allocator.test.ts: takes lib/allocator.ts's setting (unless told not to) and prints it. */
import { describeAllocator, runUnderAllocator } from '../../examples/lib/allocator.ts';

runUnderAllocator(process.argv.includes('--system-allocator'));
console.log(JSON.stringify({ pid: process.pid, allocator: describeAllocator() }));
