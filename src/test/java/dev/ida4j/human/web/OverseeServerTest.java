package dev.ida4j.human.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ida4j.human.Decision;
import dev.ida4j.human.Desk;
import dev.ida4j.human.OversightMode;
import dev.ida4j.human.ScriptedPerson;
import dev.ida4j.human.Session;
import dev.ida4j.human.journal.Journal;
import dev.ida4j.task.Task;
import dev.ida4j.task.Tasks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The server's security checks (reliability checklist 34-36) and its API, through a real HTTP client. */
class OverseeServerTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Task task = Tasks.byName("permutation-powering");
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private Journal journal;
    private Desk desk;
    private OversightServer server;
    private String base;
    private String token;

    @BeforeEach
    void start() throws IOException {
        journal = Journal.open(dir.resolve("transcripts.journal"));
        desk = new Desk(task, 8, OversightMode.HUMAN, new Desk.Answerer(null, "ground truth"), null, journal, 3);
        server = OversightServer.start(desk, InetAddress.getLoopbackAddress(), 0);
        base = "http://127.0.0.1:" + server.port();
        token = server.url().substring(server.url().indexOf("?token=") + 7);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        desk.close();
        journal.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> act(String id, String kind, String text) throws Exception {
        return post("/api/act", JSON.writeValueAsString(java.util.Map.of("id", id, "kind", kind, "text", text)),
                "X-Ida4j-Token", token);
    }

    /** A request written by hand, since java.net.http refuses to send a Host header of our choosing. */
    private String raw(String host) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/state HTTP/1.1\r\nHost: " + host + "\r\nX-Ida4j-Token: " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
        }
    }

    @Test
    void shouldPrintALoopbackUrlWithAFreshLongToken() throws IOException {
        assertThat(server.url()).matches("http://127\\.0\\.0\\.1:" + server.port() + "/\\?token=[A-Za-z0-9_-]{43}");
        try (OversightServer other = OversightServer.start(desk, InetAddress.getLoopbackAddress(), 0)) {
            assertThat(other.url()).doesNotContain(token);
        }
    }

    @Test
    void shouldRefuseRequestsWithoutTheToken() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(401);
        assertThat(get("/?token=wrong").statusCode()).isEqualTo(401);
        assertThat(get("/api/state").statusCode()).isEqualTo(401);
        assertThat(get("/api/state?token=" + token).statusCode()).as("the query token opens only the page")
                .isEqualTo(401);
        assertThat(get("/api/state", "X-Ida4j-Token", token + "x").statusCode()).isEqualTo(401);
        assertThat(post("/api/act", "{\"id\":\"a\",\"kind\":\"ask\",\"text\":\"aa ^ 1\"}").statusCode())
                .isEqualTo(401);
        assertThat(get("/api/export").statusCode()).isEqualTo(401);
        HttpResponse<String> page = get("/?token=" + token);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("ida4j oversee").contains("X-Ida4j-Token");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
    }

    @Test
    void shouldRefuseAForeignHostOrOrigin() throws Exception {
        assertThat(raw("127.0.0.1:" + server.port())).contains(" 200 ");
        assertThat(raw("localhost:" + server.port())).contains(" 200 ");
        assertThat(raw("evil.example:" + server.port())).contains(" 403 ");
        assertThat(raw("127.0.0.1:1")).contains(" 403 ");
        assertThat(raw("127.0.0.1")).contains(" 403 ");
        assertThat(get("/api/state", "X-Ida4j-Token", token, "Origin", "http://evil.example").statusCode())
                .isEqualTo(403);
        assertThat(post("/api/act", "{\"id\":\"a\",\"kind\":\"ask\",\"text\":\"aa ^ 1\"}",
                "X-Ida4j-Token", token, "Origin", "http://localhost:" + (server.port() + 1)).statusCode())
                .isEqualTo(403);
        assertThat(get("/api/state", "X-Ida4j-Token", token, "Origin", base).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeTheTaskReferenceToTheTokenHolderOnly() throws Exception {
        HttpResponse<String> r = get("/api/tasks", "X-Ida4j-Token", token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/markdown; charset=utf-8");
        assertThat(r.body()).contains("## permutation-powering").contains("`x ^ k`").contains("## union-find")
                .contains("The `ida4j eval` export");
        assertThat(get("/api/tasks").statusCode()).isEqualTo(401);
    }

    @Test
    void shouldAnswerAHeadRequestWithAStatusAndNoBody() throws Exception {
        for (String path : List.of("/", "/api/act", "/nowhere")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("X-Ida4j-Token", token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(path.equals("/nowhere") ? 404 : 405);
            assertThat(r.body()).isEmpty();
        }
        assertThat(get("/api/state", "X-Ida4j-Token", token).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldServeNoPathButItsOwnRoutes() throws Exception {
        for (String path : List.of("/oversee.html", "/dev/ida4j/human/web/oversee.html", "/..%2f..%2fetc%2fpasswd",
                "/%2e%2e/%2e%2e/etc/passwd", "/api/state/../../pom.xml", "/api/", "/favicon.ico")) {
            assertThat(get(path, "X-Ida4j-Token", token).statusCode()).as(path).isIn(400, 404);
        }
        assertThat(get("/api/act", "X-Ida4j-Token", token).statusCode()).isEqualTo(405);
    }

    @Test
    void shouldExplainMalformedInputAndRecordAFullDecomposition() throws Exception {
        HttpResponse<String> bad = act("r0", "ask", "ab ^^ 2");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asString()).contains("'ab ^^ 2'").contains("expected");
        assertThat(post("/api/act", "{\"id\":\"r1\",\"kind\":\"ask\",\"text\":\"aa ^ 1\",\"extra\":1}",
                "X-Ida4j-Token", token).statusCode()).isEqualTo(400);
        assertThat(act("r2", "sing", "x").statusCode()).isEqualTo(400);

        JsonNode s = JSON.readTree(get("/api/state", "X-Ida4j-Token", token).body()).get("session");
        int i = 0;
        String lastId = null;
        while (s.get("phase").asString().equals("YOUR_TURN")) {
            List<Session.Step> steps = new ArrayList<>();
            for (JsonNode st : s.get("steps")) {
                steps.add(new Session.Step(st.get("subquestion").asString(), st.get("subanswer").asString(),
                        st.get("by").asString()));
            }
            Decision d = ScriptedPerson.next(task, s.get("question").asString(), steps);
            lastId = "step-" + i++;
            HttpResponse<String> r = d instanceof Decision.Ask a ? act(lastId, "ask", a.text())
                    : act(lastId, "answer", ((Decision.Answer) d).text());
            assertThat(r.statusCode()).isEqualTo(200);
            s = JSON.readTree(r.body()).get("session");
        }
        assertThat(s.get("phase").asString()).isEqualTo("SAVED");
        assertThat(s.get("correct").asBoolean()).isTrue();
        HttpResponse<String> again = act(lastId, "answer", s.get("answer").asString());
        assertThat(again.statusCode()).as("a retried answer is acknowledged again").isEqualTo(200);
        assertThat(journal.size()).isEqualTo(1);
        assertThat(journal.entries().getFirst().id()).isEqualTo(lastId);

        HttpResponse<String> export = get("/api/export", "X-Ida4j-Token", token);
        assertThat(export.body().lines()).hasSize(1).first().asString().startsWith("{\"id\":\"" + lastId + "\"");
        JsonNode next = JSON.readTree(post("/api/next", "{\"id\":\"n1\",\"kind\":null,\"text\":null}",
                "X-Ida4j-Token", token).body());
        assertThat(next.get("session").get("number").asInt()).isEqualTo(2);
        assertThat(next.get("history")).hasSize(1);
    }
}
