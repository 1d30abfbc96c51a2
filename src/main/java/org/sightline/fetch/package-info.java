/**
 * SSRF-safe media download: {@link org.sightline.fetch.MediaFetcher} (one per process, closeable),
 * configured by {@link org.sightline.fetch.FetchSettings#from(org.sightline.config.Config)}, answering
 * {@link org.sightline.fetch.FetchResult}s whose outcome labels are the scan outcomes
 * ({@code ok}, {@code too_large}, {@code fetch_failed}, {@code gone}); {@code retryable} tells the worker
 * whether to try again later.
 */
package org.sightline.fetch;
