// SPDX-License-Identifier: GPL-2.0-or-later
// v8_fixture.js: a node process with a known V8 heap.  Run with
// --allow-natives-syntax --expose-gc (and --no-memory-reducer, so the heap
// stays as printed while it waits).  Prints, one per line:
//   pid N
//   versions NODE V8                      (process.versions)
//   space NAME SPACE_SIZE PHYSICAL_SIZE   (v8.getHeapSpaceStatistics())
//   heap TOTAL USED                        (process.memoryUsage())
//   object KIND   then V8's own %DebugPrint of it ("DebugPrint: 0xADDR: ...")
// and `ready`, then waits.  KIND: old (survived two full GCs), large (the
// elements of a 1,000,000-double array: a large object), young (made after
// the GCs: in the new space), readonly (undefined: in the read-only space).
// With V8_FIXTURE_SPACES=PATH set, SIGUSR2 writes the space lines again to
// PATH (through a rename), so a test can tell whether the heap moved while
// it read it.
'use strict';
const fs = require('fs');
const v8 = require('v8');

const keep = [];
for (let i = 0; i < 100000; i++) {
	keep.push({ a: i, b: 'x' + i });
}
const big = new Array(1000000).fill(1.5);
globalThis.gc();
globalThis.gc();
const young = { young: true };
globalThis.keep = keep;
globalThis.big = big;
globalThis.young = young;

console.log('pid ' + process.pid);
console.log('versions ' + process.versions.node + ' ' + process.versions.v8);
console.log('object old');
%DebugPrint(keep[50000]);
console.log('object large');
%DebugPrint(big);
console.log('object young');
%DebugPrint(young);
console.log('object readonly');
%DebugPrint(undefined);
// The spaces printed once V8's own tasks after the GCs (sweeping, its
// pages' release) are over: two counts 200 ms apart agree.
function spaceLines() {
	return v8.getHeapSpaceStatistics().map((s) =>
		'space ' + s.space_name + ' ' + s.space_size + ' ' + s.physical_space_size);
}
function settle(prev, tries) {
	const now = spaceLines();
	if (tries > 0 && now.join('\n') !== prev.join('\n')) {
		setTimeout(() => settle(now, tries - 1), 200);
		return;
	}
	for (const line of now) {
		console.log(line);
	}
	const mu = process.memoryUsage();
	console.log('heap ' + mu.heapTotal + ' ' + mu.heapUsed);
	console.log('ready');
	setInterval(() => {}, 1 << 30);
}
const spacesFile = process.env.V8_FIXTURE_SPACES;
if (spacesFile) {
	process.on('SIGUSR2', () => {
		fs.writeFileSync(spacesFile + '.new', spaceLines().join('\n') + '\n');
		fs.renameSync(spacesFile + '.new', spacesFile);
	});
}
const first = spaceLines();
setTimeout(() => settle(first, 25), 200);
