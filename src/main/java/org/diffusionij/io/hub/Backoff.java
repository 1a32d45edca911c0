package org.diffusionij.io.hub;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.function.BooleanSupplier;

/**
 * huggingface_hub's {@code http_backoff}: a request that fails to connect or is answered 408, 429, 500, 502,
 * 503 or 504 is sent again, up to {@value #MAX_RETRIES} more times, after waits that double from the base (1 s)
 * up to the maximum (8 s); a {@code Retry-After} in seconds is waited instead when longer.
 */
final class Backoff {

	static final int MAX_RETRIES = 5;

	/** The waits huggingface_hub uses. */
	static final Backoff HUB = new Backoff(1000, 8000);

	interface Request {
		HttpResponse<String> send() throws IOException;
	}

	private final long baseMillis, maxMillis;

	Backoff(long baseMillis, long maxMillis) {
		this.baseMillis = baseMillis;
		this.maxMillis = maxMillis;
	}

	static boolean retryable(int status) {
		return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
	}

	/** The last answer or failure after the retries; stops waiting when {@code cancelled} turns true. */
	HttpResponse<String> send(Request request, BooleanSupplier cancelled) throws IOException {
		long wait = baseMillis;
		for (int tries = 1;; tries++) {
			long pause = wait;
			try {
				HttpResponse<String> r = request.send();
				if (!retryable(r.statusCode()) || tries > MAX_RETRIES || cancelled.getAsBoolean()) return r;
				pause = Math.max(wait, retryAfterMillis(r));
			}
			catch (UploadInterruptedException e) {
				if (tries > MAX_RETRIES || cancelled.getAsBoolean()) throw e;
			}
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new UploadInterruptedException("Upload interrupted; nothing was committed.", e);
			}
			wait = Math.min(2 * wait, maxMillis);
		}
	}

	private static long retryAfterMillis(HttpResponse<String> r) {
		String v = r.headers().firstValue("Retry-After").orElse("");
		return v.matches("\\d{1,5}") ? Long.parseLong(v) * 1000 : 0;
	}
}
