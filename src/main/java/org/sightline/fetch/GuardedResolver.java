package org.sightline.fetch;

import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Jetty's name resolution step, filtered: the client connects only to the addresses this returns, so the
 * policy is checked on exactly the addresses connected to. Jetty calls it for IP literals too.
 */
final class GuardedResolver implements SocketAddressResolver {
    private final HostResolver resolver;
    private final AddressPolicy policy;
    private final Executor executor;

    GuardedResolver(HostResolver resolver, AddressPolicy policy, Executor executor) {
        this.resolver = resolver;
        this.policy = policy;
        this.executor = executor;
    }

    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        // DNS lookups block: keep them off Jetty's selector thread
        executor.execute(() -> {
            try {
                promise.succeeded(permitted(host, port));
            } catch (Throwable failure) {
                promise.failed(failure);
            }
        });
    }

    List<InetSocketAddress> permitted(String host, int port) throws UnknownHostException, RefusedAddressException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> all = resolver.resolve(bare);
        if (all == null || all.isEmpty()) throw new UnknownHostException(bare);
        List<InetSocketAddress> allowed = new ArrayList<>(all.size());
        for (InetAddress address : all) {
            InetSocketAddress candidate = new InetSocketAddress(address, port);
            if (policy.permits(candidate)) allowed.add(candidate);
        }
        if (allowed.isEmpty()) throw new RefusedAddressException(bare);
        return allowed;
    }
}
