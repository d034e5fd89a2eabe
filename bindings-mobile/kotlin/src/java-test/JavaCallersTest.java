// The Java face of the JVM library (io.p100.sdk.java), used from Java as a Java developer would:
// compiled with javac against the p100-sdk jar and run against a sandbox process
// (P100_API_KEY, P100_BASE_URL). Blocking calls, CompletableFuture calls, exceptions in both.
// Prints "java callers: N checks passed"; exits non-zero on any failure.

import io.p100.sdk.Balances;
import io.p100.sdk.Currency;
import io.p100.sdk.P100Exception;
import io.p100.sdk.PartnerSepaTransferRequest;
import io.p100.sdk.SepaTransferCreated;
import io.p100.sdk.SepaTransferDetails;
import io.p100.sdk.java.JavaClient;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

public final class JavaCallersTest {
    private static int checks = 0;

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("failed: " + what);
        }
        checks++;
    }

    /** POST a sandbox control (`/_sandbox/faults`). */
    private static void control(String url, String key, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url + "/_sandbox/faults"))
            .header("content-type", "application/json")
            .header("x-api-key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        int status = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
        check(status / 100 == 2, "sandbox control: HTTP " + status);
    }

    public static void main(String[] args) throws Exception {
        String key = System.getenv("P100_API_KEY");
        String url = System.getenv("P100_BASE_URL");
        try (JavaClient c = new JavaClient(key, url)) {
            // Blocking.
            Balances b = c.partner().balances();
            check(!b.getFiatBalances().isEmpty(), "blocking: partner balances");
            // CompletableFuture, several at once.
            CompletableFuture<Balances> f1 = c.partner().balancesAsync();
            CompletableFuture<Balances> f2 = c.partner().balancesAsync();
            CompletableFuture.allOf(f1, f2).get(30, TimeUnit.SECONDS);
            check(f1.get().getFiatBalances().size() == b.getFiatBalances().size(), "async: partner balances");

            // An API error: a P100Exception, thrown (blocking) or completing the future (async).
            try {
                c.users().balances("nobody-java-" + System.nanoTime());
                check(false, "blocking: an unknown user throws");
            } catch (P100Exception.Api e) {
                check(e.getMessage() != null && e.getMessage().contains("P412"), "blocking: P412 in " + e.getMessage());
            }
            try {
                c.users().balancesAsync("nobody-java-async").get(30, TimeUnit.SECONDS);
                check(false, "async: an unknown user fails");
            } catch (ExecutionException e) {
                check(e.getCause() instanceof P100Exception.Api, "async: cause is P100Exception.Api: " + e.getCause());
            }
            // A local validation error: nothing is sent.
            try {
                c.users().balances("");
                check(false, "blocking: an empty id is refused");
            } catch (P100Exception.Validation e) {
                check(true, "validation");
            }

            // Money: a SEPA transfer of the partner, then its details, exact to the cent.
            SepaTransferCreated t = c.sepa().partnerTransfer(new PartnerSepaTransferRequest(
                new BigDecimal("12.34"), Currency.Eur.INSTANCE, "DE89370400440532013000", "Java caller",
                null, null, null, null));
            check(t.getTransferId() != null && !t.getTransferId().isEmpty(), "SEPA transfer accepted");
            SepaTransferDetails d = c.sepa().detailsAsync(t.getTransferId()).get(30, TimeUnit.SECONDS);
            check(d.getAmount().equals(new BigDecimal("12.34")), "exact decimal amount: " + d.getAmount());
        }

        // close() cancels the calls in flight: a transfer whose request was out is kept, and
        // still readable from the closed client.
        JavaClient closing = new JavaClient(key, url);
        control(url, key, "{\"kind\":\"slow-body\",\"count\":1,\"delayMs\":5000,"
            + "\"operation\":\"sepa.partner_transfer\"}");
        CompletableFuture<SepaTransferCreated> out = closing.sepa().partnerTransferAsync(
            new PartnerSepaTransferRequest(new BigDecimal("6.78"), Currency.Eur.INSTANCE,
                "DE89370400440532013000", "Java close", null, null, null, null));
        Thread.sleep(1000);
        closing.close();
        check(out.isCompletedExceptionally(), "close() cancels the call in flight");
        List<P100Exception> kept = closing.takeCancelled();
        check(kept.size() == 1 && kept.get(0) instanceof P100Exception.Aborted, "kept at close: " + kept);
        check(closing.takeCancelled().isEmpty(), "taking empties the list");

        // The same for a *blocking* call (outside review: close() returned at once, the blocking
        // transfer ran on and was kept nowhere): close() cancels it, waits, and keeps it.
        JavaClient closingBlocking = new JavaClient(key, url);
        control(url, key, "{\"kind\":\"slow-body\",\"count\":1,\"delayMs\":5000,"
            + "\"operation\":\"sepa.partner_transfer\"}");
        java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
            new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                closingBlocking.sepa().partnerTransfer(new PartnerSepaTransferRequest(
                    new BigDecimal("6.79"), Currency.Eur.INSTANCE, "DE89370400440532013000",
                    "Java close blocking", null, null, null, null));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        worker.start();
        Thread.sleep(1000);
        io.p100.sdk.java.JavaPartner takenBefore = closingBlocking.partner();
        closingBlocking.close();
        worker.join(10_000);
        check(!worker.isAlive(), "close() ended the blocking call");
        check(thrown.get() instanceof java.util.concurrent.CancellationException,
            "the blocking call was cancelled: " + thrown.get());
        List<P100Exception> keptBlocking = closingBlocking.takeCancelled();
        check(keptBlocking.size() == 1 && keptBlocking.get(0) instanceof P100Exception.Aborted,
            "blocking call kept at close: " + keptBlocking);
        try {
            closingBlocking.partner().balances();
            check(false, "a closed JavaClient refuses calls");
        } catch (IllegalStateException e) {
            check(true, "closed");
        }
        // A group taken before close(): its futures say the same (outside review: a bare
        // CancellationException before).
        try {
            takenBefore.balancesAsync().get(10, java.util.concurrent.TimeUnit.SECONDS);
            check(false, "a closed JavaClient's future refuses calls");
        } catch (java.util.concurrent.ExecutionException e) {
            check(e.getCause() instanceof IllegalStateException
                && e.getCause().getMessage().contains("closed"), "closed future: " + e.getCause());
        }
        System.out.println("java callers: " + checks + " checks passed");
    }
}
