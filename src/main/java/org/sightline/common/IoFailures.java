package org.sightline.common;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/** Words for a failed call to another server, for messages shown to people: never an exception's class name. */
public final class IoFailures {
    private IoFailures() {
    }

    public static String describe(Throwable e) {
        if (e instanceof HttpTimeoutException) return "the instance did not answer in time";
        if (e instanceof ConnectException) return "could not connect to the instance";
        if (e instanceof UnknownHostException) return "the instance's host name does not resolve";
        if (e instanceof javax.net.ssl.SSLException) return "the TLS connection to the instance failed";
        if (e.getClass().getName().startsWith("com.fasterxml.jackson")) return "the instance's answer is not valid JSON";
        if (e instanceof IOException) return "the connection to the instance failed";
        return "the call to the instance failed";
    }
}
