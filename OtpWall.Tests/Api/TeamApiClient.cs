using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.ApiKeys;
using OtpWall.Core.ApiTokens;
using OtpWall.Sandbox;
using OtpWall.Tests.Support;

namespace OtpWall.Tests.Api;

/// <summary>What a team member's script holds: the dashboard's base address and a personal token, as plain HTTP.</summary>
public sealed class TeamApiClient(Uri root, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(root, "api/v1/"), Timeout = TimeSpan.FromSeconds(90) };

    public string Token { get; } = token;

    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, object? body = null, string? idempotencyKey = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(string path, string? token = null) =>
        SendAsync(HttpMethod.Get, path, token: token);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> BuyAsync(string service = "telegram", string country = "PK", string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, "number", new { service, country }, idempotencyKey);

    public void Dispose() => _http.Dispose();

    /// <summary>The JSON shape of an answer: property names and JSON kinds, recursively (arrays by their first item).</summary>
    public static string Shape(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{Shape(p.Value)}")) + "}",
        JsonArray array => "[" + (array.Count == 0 ? "" : Shape(array[0])) + "]",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "null",
        },
        _ => "?",
    };
}

/// <summary>One dashboard shared by a test class: an administrator, and people with their own sandbox keys and tokens.</summary>
public sealed class TeamApiHost : IAsyncLifetime, IAsyncDisposable
{
    public DashboardHost Host { get; private set; } = null!;

    public string AdminId { get; private set; } = null!;

    public BrowserlessSession Admin { get; private set; } = null!;

    private int _people;

    public Task InitializeAsync() => StartAsync(new DashboardHost());

    public async Task StartAsync(DashboardHost host)
    {
        Host = host;
        (Admin, AdminId) = await Host.RegisterAdministratorAsync();
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
    }

    /// <summary>For a test that starts its own (<c>await using</c>) rather than sharing the class's.</summary>
    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public SandboxSimulator Sandbox => Host.Services.GetRequiredService<SandboxSimulator>();

    public ApiTokenService Tokens => Host.Services.GetRequiredService<ApiTokenService>();

    /// <summary>A new member with a session, an own sandbox key holding <paramref name="balance"/>, and its raw key.</summary>
    public async Task<Person> PersonAsync(decimal balance = 10m, bool withKey = true)
    {
        var email = $"person{Interlocked.Increment(ref _people)}-{Guid.NewGuid():N}"[..24] + "@example.com";
        var session = Host.NewSession();
        using (var registered = await session.RegisterAsync(email, DashboardHostExtensions.Password, await Host.CreateInviteAsync(AdminId)))
            if (registered.StatusCode != System.Net.HttpStatusCode.Redirect) throw new InvalidOperationException($"Registering answered {registered.StatusCode}.");
        var id = await Host.UserIdAsync(email);
        string? key = null;
        if (withKey)
        {
            key = Sandbox.CreateAccount(null, balance, null).Key;
            await Host.Services.GetRequiredService<ApiKeyVault>().SaveAsync(id, OtpWallApiKey.Parse(key));
        }
        return new Person(id, email, session, key);
    }

    public async Task<TeamApiClient> ClientAsync(string userId, ApiTokenScope scope = ApiTokenScope.Buy, string? name = null)
    {
        var (created, refusal) = await Tokens.CreateAsync(userId, name ?? "script " + Guid.NewGuid().ToString("N")[..6], ApiTokenLifetime.Days30, scope);
        Assert.Null(refusal);
        return new TeamApiClient(Host.RootUri, created!.Value);
    }

    /// <summary>The simulated OTPWALL itself, asked with a raw key (what an existing script did before).</summary>
    public HttpClient Upstream(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Host.RootUri, "sandbox/v1/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    public sealed record Person(string Id, string Email, BrowserlessSession Session, string? Key);
}

public static class TeamApiHostExtensions
{
    /// <summary>OTPWALL's id of the person's latest purchase.</summary>
    public static string GetUpstreamIdOf(this IServiceProvider services, string userId)
    {
        using var db = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<OtpWall.Core.Data.OtpWallDbContext>>().CreateDbContext();
        return db.Activations.Where(a => a.UserId == userId && a.UpstreamId != null).OrderByDescending(a => a.CreatedAt).Select(a => a.UpstreamId!).First();
    }
}
