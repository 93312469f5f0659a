using System.Net;
using OtpWall.Dashboard.Hosting;
using OtpWall.Tests.Support;
using static OtpWall.Tests.Support.DashboardHostExtensions;

namespace OtpWall.Tests.Hosting;

/// <summary>Behind a TLS proxy: what the dashboard believes of forwarded headers, and the headers it always sends.</summary>
public sealed class ProxyAndHeadersTests
{
    // A proxy address from the documentation range: configured, never contacted.
    private static readonly Dictionary<string, string?> ElsewhereProxy = new() { ["OtpWall:Proxy:KnownProxies"] = "192.0.2.10" };

    private static BrowserlessSession BehindProxy(DashboardHost host, string clientAddress = "203.0.113.7")
    {
        var session = host.NewSession();
        session.BehindTlsProxy = true;
        session.Headers.Add("X-Forwarded-Proto", "https");
        session.Headers.Add("X-Forwarded-For", clientAddress);
        session.Headers.Host = "otp.example.com";
        return session;
    }

    private static string? AuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.FirstOrDefault(c => c.StartsWith("otpwall.auth=", StringComparison.Ordinal)) : null;

    [Fact]
    public async Task EveryPage_CarriesTheSecurityHeaders_AndOneContentSecurityPolicy()
    {
        await using var host = new DashboardHost();
        using var person = host.NewSession();

        using var response = await person.GetAsync("/Account/Login");

        Assert.Equal(WebHardening.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self';", WebHardening.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", WebHardening.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsForwardedByATrustedProxy_MakesTheSessionCookieSecure_AndSendsHsts()
    {
        await using var host = new DashboardHost();
        await host.RegisterAdministratorAsync();
        using var person = BehindProxy(host);

        using var signedIn = await person.SignInAsync("admin@example.com", Password);

        var cookie = AuthCookie(signedIn);
        Assert.NotNull(cookie);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(signedIn.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task OverHttps_TheAntiforgeryCookieIsSecureToo_AndNoAnswerNamesTheServer()
    {
        await using var host = new DashboardHost();
        using var person = BehindProxy(host);

        using var page = await person.GetAsync("/Account/Login");
        using var health = await person.GetAsync("/healthz");

        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.False(page.Headers.Contains("Server"), "a page names the server");
        Assert.False(health.Headers.Contains("Server"), "/healthz names the server");
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUntrustedAddress_AreIgnored()
    {
        await using var host = new DashboardHost(settings: ElsewhereProxy);
        await host.RegisterAdministratorAsync();
        using var person = BehindProxy(host);

        using var signedIn = await person.SignInAsync("admin@example.com", Password);

        Assert.DoesNotContain("secure", AuthCookie(signedIn), StringComparison.OrdinalIgnoreCase);
        Assert.False(signedIn.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ATrustedProxy_GivesEachClientItsOwnRateLimit()
    {
        await using var host = new DashboardHost(settings: new Dictionary<string, string?> { ["OtpWall:Accounts:AttemptsPerMinute"] = "2" });
        using var first = BehindProxy(host, "203.0.113.1");
        using var second = BehindProxy(host, "203.0.113.2");

        for (var i = 0; i < 2; i++) (await first.SignInAsync("someone@example.com", "whatever password")).Dispose();
        using var limited = await first.SignInAsync("someone@example.com", "whatever password");
        using var other = await second.SignInAsync("someone@example.com", "whatever password");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Fact]
    public async Task AnUntrustedProxy_CannotDodgeTheRateLimit_ByMakingUpClientAddresses()
    {
        var settings = new Dictionary<string, string?>(ElsewhereProxy) { ["OtpWall:Accounts:AttemptsPerMinute"] = "2" };
        await using var host = new DashboardHost(settings: settings);
        using var first = BehindProxy(host, "203.0.113.1");
        using var second = BehindProxy(host, "203.0.113.2");

        for (var i = 0; i < 2; i++) (await first.SignInAsync("someone@example.com", "whatever password")).Dispose();
        using var other = await second.SignInAsync("someone@example.com", "whatever password");

        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    [Theory]
    [InlineData("/Account/Login", "br")]
    [InlineData("/Account/Login", "gzip")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "br")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "gzip")]
    [InlineData("/flags/4x3/pk.svg", "br")]
    public async Task PagesAndStaticAssets_AreServedCompressed(string path, string encoding)
    {
        await using var host = new DashboardHost();
        using var person = host.NewSession();
        person.Headers.AcceptEncoding.ParseAdd(encoding);

        using var response = await person.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public async Task ACountrysFlag_IsAnSvgTheBrowserKeepsForAWeek_AndAnUnknownOneIsNotFound()
    {
        await using var host = new DashboardHost();
        using var person = host.NewSession();

        using var flag = await person.GetAsync("/flags/4x3/gb.svg");
        using var unknown = await person.GetAsync("/flags/4x3/zz.svg");

        Assert.Equal(HttpStatusCode.OK, flag.StatusCode);
        Assert.Equal("image/svg+xml", flag.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", (await flag.Content.ReadAsStringAsync()).TrimStart(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(7), flag.Headers.CacheControl?.MaxAge);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task TheContainerProbe_AnswersHealthy_OrNot()
    {
        await using var host = new DashboardHost();
        host.StartServer();

        Assert.Equal(0, await MaintenanceCommands.ProbeAsync(new Uri(host.RootUri, "healthz").ToString()));
        Assert.Equal(1, await MaintenanceCommands.ProbeAsync($"http://127.0.0.1:{FreePort.Next()}/healthz"));
    }

    [Fact]
    public async Task APagesLiveConnection_IsNotCompressed_EvenWhenTheBrowserOffersIt()
    {
        // Every open tab would keep a compressor and a decompressor (about a third of a MiB) for as long as it is open.
        await using var host = new DashboardHost();
        host.StartServer();
        using var http = new HttpClient { BaseAddress = host.RootUri };
        using var negotiated = await http.PostAsync("_blazor/negotiate?negotiateVersion=1", null);
        negotiated.EnsureSuccessStatusCode();
        var token = System.Text.Json.JsonDocument.Parse(await negotiated.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.DangerousDeflateOptions = new System.Net.WebSockets.WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;

        await socket.ConnectAsync(new Uri($"ws://{host.RootUri.Authority}/_blazor?id={token}"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.DoesNotContain("Sec-WebSocket-Extensions", socket.HttpResponseHeaders!.Keys, StringComparer.OrdinalIgnoreCase);
    }
}
