package org.diffusionij.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The one place that starts DJL's PyTorch engine. Everything that needs tensors calls {@link #start} first.
 * <p>
 * Before the native library loads it: sets the thread context class loader to the plugin's own (DJL finds
 * its engine and natives through it; Fiji and ImageJ 1 load plugins in their own class loaders), goes offline
 * when the libtorch natives jar is on the class path, sets {@code OMP_WAIT_POLICY=PASSIVE} (idle OpenMP threads
 * sleep instead of spinning against the Java threads), applies the {@link OneDnnGuard}, keeps freed memory in
 * the process, and fixes the thread count.
 */
public final class DiffusionEngine {

	public static final String ENGINE_NAME = "PyTorch";

	private static Engine engine;
	private static String memoryPolicy;
	private static int threads;

	private DiffusionEngine() {}

	/** Starts the engine with the default thread count (all cores), once. */
	public static Engine start() {
		return start(0);
	}

	/**
	 * Starts the engine once; the thread count of the first call wins for intra-op threads.
	 *
	 * @param numThreads intra-op threads, or 0 or less for the number of cores
	 */
	public static synchronized Engine start(int numThreads) {
		if (engine != null) return engine;
		return withPluginClassLoader(() -> {
			OneDnnGuard.apply();
			NativeEnv.setIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
			NativeEnv.setIfAbsent("KMP_WARNINGS", "0");
			memoryPolicy = MemoryTuning.apply();
			if (DiffusionEngine.class.getClassLoader().getResource("native/lib/pytorch.properties") != null) {
				System.setProperty("ai.djl.offline", "true");
			}
			threads = numThreads > 0 ? numThreads : Runtime.getRuntime().availableProcessors();
			System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
			System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
			System.setProperty("ai.djl.default_engine", ENGINE_NAME);
			// the CLIP tokenizer needs no GPU: without this, DJL's tokenizers fetch a CUDA build on GPU machines,
			// which fails offline, instead of using the CPU build shipped in their jar
			if (System.getProperty("RUST_FLAVOR") == null && System.getenv("RUST_FLAVOR") == null) {
				System.setProperty("RUST_FLAVOR", "cpu");
			}
			try {
				engine = Engine.getEngine(ENGINE_NAME);
			}
			catch (RuntimeException | UnsatisfiedLinkError e) {
				throw new EngineException("Could not start the PyTorch engine: " + e.getMessage() +
					". Offline installs need the pytorch-native-cpu jar for this platform in Fiji's jars folder;" +
					" online installs download libtorch into ~/.djl.ai on first use.", e);
			}
			JniUtils.setNumThreads(threads);
			JniUtils.setGradMode(false);
			return engine;
		});
	}

	/** Intra-op thread count in use (0 before start). */
	public static int threads() {
		return threads;
	}

	/** Switches gradient recording off for the calling thread (PyTorch's grad mode is per thread). */
	public static void inferenceThread() {
		start();
		JniUtils.setGradMode(false);
	}

	/** Switches gradient recording on for the calling thread. */
	public static void trainingThread() {
		start();
		JniUtils.setGradMode(true);
	}

	/**
	 * Resolves a device name: {@code auto} (first GPU if any, else CPU), {@code cpu}, {@code gpu} (first GPU) or
	 * {@code gpu:N}.
	 *
	 * @throws EngineException with a message for the user when the name is unknown or the GPU is absent
	 */
	public static Device device(String spec) {
		Engine e = start();
		String s = spec == null || spec.trim().isEmpty() ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
		int gpus = e.getGpuCount();
		if (s.equals("auto")) return gpus > 0 ? Device.gpu(0) : Device.cpu();
		if (s.equals("cpu")) return Device.cpu();
		int index;
		if (s.equals("gpu") || s.equals("cuda")) index = 0;
		else if (s.matches("(gpu|cuda):\\d+")) index = Integer.parseInt(s.substring(s.indexOf(':') + 1));
		else throw new EngineException("Unknown device '" + spec + "'. Use auto, cpu, gpu or gpu:N.");
		if (gpus == 0) {
			throw new EngineException("A GPU was asked for (device=" + spec + ") but PyTorch sees none. " +
				"The CPU build of libtorch is loaded (" + e.getVersion() + "); install the CUDA natives (see the" +
				" README, GPU setup) or use device=cpu.");
		}
		if (index >= gpus) {
			throw new EngineException("device=" + spec + " asks for GPU " + index + " but only " + gpus +
				" GPU(s) are visible (gpu:0 to gpu:" + (gpus - 1) + ").");
		}
		return Device.gpu(index);
	}

	/** A multi-line description of the engine for bug reports (the Engine Info command prints it). */
	public static String info() {
		Engine e = start();
		StringBuilder sb = new StringBuilder();
		sb.append("Engine: ").append(e.getEngineName()).append(' ').append(e.getVersion()).append('\n');
		sb.append("DJL: ").append(Engine.getDjlVersion()).append('\n');
		sb.append("libtorch: ").append(ai.djl.pytorch.jni.LibUtils.getLibtorchPath()).append('\n');
		sb.append("Offline natives: ").append(Boolean.getBoolean("ai.djl.offline")).append('\n');
		sb.append("GPUs: ").append(e.getGpuCount()).append('\n');
		sb.append("Default device: ").append(device("auto")).append('\n');
		sb.append("Threads: ").append(JniUtils.getNumThreads()).append(" intra-op, ")
			.append(JniUtils.getNumInteropThreads()).append(" inter-op\n");
		sb.append("OMP_WAIT_POLICY: ").append(NativeEnv.get("OMP_WAIT_POLICY")).append('\n');
		sb.append("oneDNN guard: ").append(OneDnnGuard.describe()).append('\n');
		sb.append("Memory: ").append(memoryPolicy).append('\n');
		sb.append("Java: ").append(System.getProperty("java.version")).append(" (")
			.append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(")\n");
		sb.append("Max heap: ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB\n");
		return sb.toString();
	}

	/**
	 * Runs the task with the thread context class loader set to the plugin's own class loader and restores the
	 * previous one afterwards. DJL and SciJava discover services through the context class loader, which in
	 * Fiji and ImageJ 1 is not the loader that loaded this plugin.
	 */
	public static <T> T withPluginClassLoader(Callable<T> task) {
		Thread t = Thread.currentThread();
		ClassLoader previous = t.getContextClassLoader();
		t.setContextClassLoader(DiffusionEngine.class.getClassLoader());
		try {
			return task.call();
		}
		catch (RuntimeException e) {
			throw e;
		}
		catch (Exception e) {
			throw new EngineException(e.getMessage(), e);
		}
		finally {
			t.setContextClassLoader(previous);
		}
	}
}
