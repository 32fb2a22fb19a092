// SPDX-License-Identifier: GPL-2.0-or-later
// A factory for the jvm suite: a JVM with a known live heap and a few named
// threads that wait; it prints what it knows (its pid, the heap's figures,
// every thread's name), then "ready", and waits to be killed.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public class MemmapFixture {
	static final List<byte[]> live = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		int mib = args.length > 0 ? Integer.parseInt(args[0]) : 32;
		int nthreads = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		CountDownLatch started = new CountDownLatch(nthreads);
		Object park = new Object();

		for (int i = 0; i < mib; i++) {
			byte[] b = new byte[1 << 20];
			for (int j = 0; j < b.length; j += 4096) {
				b[j] = (byte)j;
			}
			live.add(b);
		}
		for (int i = 0; i < nthreads; i++) {
			Thread t = new Thread(() -> {
				started.countDown();
				synchronized (park) {
					try {
						park.wait();
					} catch (InterruptedException e) {
						return;
					}
				}
			}, "memmap-worker-" + i);
			t.setDaemon(true);
			t.start();
		}
		started.await();
		Runtime rt = Runtime.getRuntime();
		System.out.println("pid " + ProcessHandle.current().pid());
		Runtime.Version v = Runtime.version();
		System.out.println("version " + v.feature() + "." + v.interim() + "." + v.update());
		System.out.println("heap committed " + rt.totalMemory() + " max " + rt.maxMemory()
				   + " used " + (rt.totalMemory() - rt.freeMemory()));
		for (Thread t : Thread.getAllStackTraces().keySet()) {
			System.out.println("thread " + t.getName().replace(' ', '_'));
		}
		System.out.println("ready");
		System.out.flush();
		Thread.sleep(Long.MAX_VALUE);
	}
}
