package dev.ida4j.human.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ida4j.human.Decision;
import dev.ida4j.human.Desk;
import dev.ida4j.human.Refusal;
import dev.ida4j.human.Session;
import dev.ida4j.human.TranscriptRecord;
import dev.ida4j.human.journal.Journal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The oversight page and its API, served to one person on this machine. Routes (all behind {@link Guard}):
 * <pre>
 * GET  /              the page (the token may come as ?token=…, as the printed URL has it)
 * GET  /api/state     the desk, the current question and the history, as JSON
 * POST /api/act       {"id":"…","kind":"ask|answer|approve|reject","text":"…"|null}: the person's decision
 * POST /api/next      {"id":"…"}: leave the current question for a fresh one
 * GET  /api/export    the journal as JSON Lines
 * </pre>
 * API requests carry the token in the {@code X-Ida4j-Token} header (not a cookie: cookies are shared by every port
 * of a host). No request names a file: the page is one classpath resource. {@code /api/act} answers 200 with the
 * new state, 400 for a malformed decision and 409 for one that does not fit now (with the reason to show inline),
 * and 503 when the answer could not be saved (the page keeps it and can send it again).
 */
public final class OversightServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OversightServer.class.getName());
    private static final String PAGE = "oversee.html";
    private static final String TASKS = "TASKS.md";   // the repository's task reference, copied in by the build
    /** Each path and the one method it takes. */
    private static final Map<String, String> ROUTES = Map.of("/", "GET", "/api/state", "GET", "/api/act", "POST",
            "/api/next", "POST", "/api/export", "GET", "/api/tasks", "GET");
    private static final int MAX_BODY = 64 * 1024;
    private static final int HISTORY = 20;
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The body of {@code /api/act} and {@code /api/next} ({@code kind} and {@code text} null for the latter). */
    record Request(String id, String kind, String text) {
    }

    private final Desk desk;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Guard guard;
    private final String url;
    private final byte[] page;
    private final byte[] tasks;

    private OversightServer(Desk desk, HttpServer server, ExecutorService executor, Guard guard, String url,
                            byte[] page, byte[] tasks) {
        this.desk = desk;
        this.server = server;
        this.executor = executor;
        this.guard = guard;
        this.url = url;
        this.page = page;
        this.tasks = tasks;
    }

    /** Serves {@code desk} on {@code bind}:{@code port} (port 0: any free one). */
    public static OversightServer start(Desk desk, InetAddress bind, int port) throws IOException {
        byte[] page = resource(PAGE);
        byte[] tasks = resource(TASKS);
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        int actual = server.getAddress().getPort();
        Guard guard = new Guard(Guard.newToken(), hosts(bind, actual));
        String host = bind.isAnyLocalAddress() || bind.isLoopbackAddress() ? "127.0.0.1" : literal(bind);
        String url = "http://" + host + ":" + actual + "/?token=" + guard.token();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        OversightServer s = new OversightServer(desk, server, executor, guard, url, page, tasks);
        server.createContext("/", s::handle);
        server.setExecutor(executor);
        server.start();
        return s;
    }

    /** The Host values that name this server: loopback names, the bound address, every local one if wildcard. */
    private static Set<String> hosts(InetAddress bind, int port) throws SocketException {
        List<String> names = new ArrayList<>(List.of("127.0.0.1", "localhost", "[::1]", literal(bind)));
        if (bind.isAnyLocalAddress()) {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                nic.inetAddresses().forEach(a -> names.add(literal(a)));
            }
        }
        Set<String> hosts = new HashSet<>();
        for (String n : names) {
            hosts.add(n.toLowerCase(Locale.ROOT) + ":" + port);
            if (port == 80) {
                hosts.add(n.toLowerCase(Locale.ROOT));
            }
        }
        return hosts;
    }

    private static String literal(InetAddress a) {
        String h = a.getHostAddress();
        int scope = h.indexOf('%');
        h = scope >= 0 ? h.substring(0, scope) : h;
        return a instanceof Inet6Address ? "[" + h + "]" : h;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OversightServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the class path (a broken build)");
            }
            return in.readAllBytes();
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page's address with its token, to open in a browser. */
    public String url() {
        return url;
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("Cache-Control", "no-store");
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("X-Frame-Options", "DENY");
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            String token = ex.getRequestHeaders().getFirst("X-Ida4j-Token");
            if (token == null && method.equals("GET") && path.equals("/")) {
                token = queryToken(ex.getRequestURI().getRawQuery());
            }
            Guard.Refused refused = guard.check(ex.getRequestHeaders().getFirst("Host"),
                    ex.getRequestHeaders().getFirst("Origin"), token);
            if (refused != null) {
                sendText(ex, refused.status(), refused.reason());
                return;
            }
            if (method.equals("HEAD")) {
                // a HEAD response has no body (writing one is an error of the server's own): status and Allow only
                if (ROUTES.containsKey(path)) {
                    h.set("Allow", ROUTES.get(path));
                }
                ex.sendResponseHeaders(ROUTES.containsKey(path) ? 405 : 404, -1);
                return;
            }
            String route = method + " " + path;
            switch (route) {
                case "GET /" -> {
                    h.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                            + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; "
                            + "form-action 'none'; frame-ancestors 'none'");
                    send(ex, 200, "text/html; charset=utf-8", page);
                }
                case "GET /api/state" -> sendJson(ex, 200, state(desk.current()));
                case "GET /api/tasks" -> send(ex, 200, "text/markdown; charset=utf-8", tasks);
                case "POST /api/act" -> act(ex);
                case "POST /api/next" -> {
                    Request r = body(ex);
                    if (r != null) {
                        sendJson(ex, 200, state(desk.next(r.id())));
                    }
                }
                case "GET /api/export" -> {
                    StringWriter out = new StringWriter();
                    Journal.exportJsonl(desk.journal().entries(), out);
                    h.set("Content-Disposition", "attachment; filename=\"transcripts.jsonl\"");
                    send(ex, 200, "application/x-ndjson; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    boolean known = ROUTES.containsKey(path);
                    sendText(ex, known ? 405 : 404, known ? "method " + method + " not allowed here" : "not found");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "oversight request " + ex.getRequestURI().getRawPath() + " failed", e);
            try {
                sendText(ex, 500, "internal error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the response had already begun; the connection closes
            }
        }
    }

    private void act(HttpExchange ex) throws IOException, InterruptedException {
        Request r = body(ex);
        if (r == null) {
            return;
        }
        Decision d = switch (r.kind() == null ? "" : r.kind()) {
            case "ask" -> new Decision.Ask(r.text());
            case "answer" -> new Decision.Answer(r.text());
            case "approve" -> new Decision.Approve();
            case "reject" -> new Decision.Reject();
            default -> null;
        };
        if (d == null) {
            sendJson(ex, 400, Map.of("error", "kind '" + r.kind() + "' is unknown; valid: ask, answer, approve, reject"));
            return;
        }
        Session session = desk.current();
        try {
            Session.View v = session.act(r.id(), d);
            sendJson(ex, v.phase() == Session.Phase.SAVE_FAILED ? 503 : 200, state(session));
        } catch (Refusal refusal) {
            Map<String, Object> body = state(session);
            body.put("error", refusal.getMessage());
            sendJson(ex, refusal.conflict() ? 409 : 400, body);
        }
    }

    /** The request body, or null after answering 400/413 for a bad one. */
    private static Request body(HttpExchange ex) throws IOException {
        byte[] bytes = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            sendText(ex, 413, "request body over " + MAX_BODY + " bytes");
            return null;
        }
        try {
            Request r = JSON.readValue(bytes, Request.class);
            if (r.id() == null || !r.id().matches("[A-Za-z0-9_-]{1,128}")) {
                sendJson(ex, 400, Map.of("error", "the request needs an id of 1..128 of [A-Za-z0-9_-]"));
                return null;
            }
            return r;
        } catch (JacksonException e) {
            sendJson(ex, 400, Map.of("error", "malformed request: " + e.getOriginalMessage()));
            return null;
        }
    }

    private Map<String, Object> state(Session session) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("task", desk.task().name());
        s.put("size", desk.size());
        s.put("mode", desk.mode().label());
        s.put("source", desk.source());
        s.put("journal", desk.journal().file().toString());
        s.put("records", desk.journal().size());
        s.put("session", session.view());
        List<Map<String, Object>> history = new ArrayList<>();
        for (TranscriptRecord r : desk.history(HISTORY)) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("question", r.question());
            line.put("steps", r.steps().stream().map(st -> st.subquestion() + " → " + st.subanswer()).toList());
            line.put("answer", r.answer());
            line.put("truth", r.truth());
            line.put("correct", r.correct());
            line.put("mode", r.mode());
            line.put("finished", r.finished());
            history.add(line);
        }
        s.put("history", history);
        return s;
    }

    private static String queryToken(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String part : rawQuery.split("&")) {
            if (part.startsWith("token=")) {
                return URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
    }

    private static void sendText(HttpExchange ex, int status, String text) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
