using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OtpWall.Tests.Support;

/// <summary>A person the test identity provider knows.</summary>
public sealed record IdentityProviderUser(string UserName, string Email, bool EmailVerified = true, params string[] Groups)
{
    /// <summary>The provider's stable id of the person (<c>sub</c>), which never changes with the e-mail.</summary>
    public string Subject { get; init; } = "sub-" + UserName;
}

/// <summary>
/// A real OpenID Connect server for the tests (OpenIddict, on a free localhost port): discovery, a login page a person
/// fills in, the authorization code flow with PKCE, signed ID tokens and rotating refresh tokens. A person removed here
/// is refused at their next refresh (<c>invalid_grant</c>), as a company's provider refuses someone who left.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "otpwall-dashboard";
    public const string ClientSecret = "test-client-secret-0123456789";
    public const string GroupsClaim = "groups";
    private const string LoginScheme = "idp-login";

    private readonly ConcurrentDictionary<string, IdentityProviderUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "otpwall-tests", "idp-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    private TestIdentityProvider(Uri authority) => Authority = authority;

    /// <summary>The issuer's address (what <c>OtpWall:Sso:Authority</c> is set to).</summary>
    public Uri Authority { get; }

    /// <summary>Added before every answer: a provider across the internet (150–300 ms away).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Down behind its proxy: every request gets 503 and an HTML page.</summary>
    public bool Down { get; set; }

    /// <summary>Refresh requests answered (granted or refused), for tests that wait on the dashboard's check.</summary>
    public int RefreshesAnswered => _refreshes;

    private int _refreshes;

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var port = FreePort.Next();
        var provider = new TestIdentityProvider(new Uri($"http://localhost:{port}/"));
        await provider.RunAsync(port);
        return provider;
    }

    /// <summary>The dashboard's settings that point its single sign-on at this provider.</summary>
    public Dictionary<string, string?> DashboardSettings(string displayName = "Test ID") => new()
    {
        ["OtpWall:Sso:Authority"] = Authority.ToString(),
        ["OtpWall:Sso:ClientId"] = ClientId,
        ["OtpWall:Sso:ClientSecret"] = ClientSecret,
        ["OtpWall:Sso:DisplayName"] = displayName,
        ["OtpWall:Sso:Scopes"] = "openid profile email offline_access groups",
        ["OtpWall:Sso:GroupsClaim"] = GroupsClaim,
    };

    public void Add(IdentityProviderUser user) => _users[user.UserName] = user;

    /// <summary>The person leaves the company: the provider no longer knows them.</summary>
    public void Remove(string userName) => _users.TryRemove(userName, out _);

    public void SetGroups(string userName, params string[] groups) => _users[userName] = _users[userName] with { Groups = groups };

    /// <summary>Lets the dashboard at <paramref name="dashboard"/> sign people in here (its redirect address registered).</summary>
    public async Task AllowDashboardAsync(Uri dashboard)
    {
        await using var scope = _app!.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var redirect = new Uri(dashboard, "signin-oidc");
        if (await applications.FindByClientIdAsync(ClientId) is { } existing)
        {
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, existing);
            descriptor.RedirectUris.Add(redirect);
            await applications.UpdateAsync(existing, descriptor);
            return;
        }
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "OTPWALL Dashboard",
            RedirectUris = { redirect },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Prefixes.Scope + "offline_access",
                Permissions.Prefixes.Scope + GroupsClaim,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a closing connection: the temporary folder is left behind
        }
    }

    private async Task RunAsync(int port)
    {
        Directory.CreateDirectory(_folder);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Authority.ToString().TrimEnd('/'));
        builder.Services.AddDbContext<ProviderDatabase>(options =>
        {
            options.UseSqlite($"Data Source={Path.Combine(_folder, "idp.db")}");
            options.UseOpenIddict();
        });
        builder.Services.AddAuthentication(LoginScheme).AddCookie(LoginScheme, options =>
        {
            options.Cookie.Name = "test-idp.login";
            options.LoginPath = "/login";
        });
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ProviderDatabase>())
            .AddServer(options =>
            {
                options.SetIssuer(Authority);
                options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                options.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.Email, Scopes.Profile, Scopes.OfflineAccess, GroupsClaim);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                options.DisableAccessTokenEncryption();
                options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });
        var app = builder.Build();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ProviderDatabase>().Database.EnsureCreatedAsync();
        app.Use(async (context, next) =>
        {
            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
            if (!Down)
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body><h1>503 Service Unavailable</h1></body></html>");
        });
        app.UseAuthentication();
        app.MapGet("/login", (string? returnUrl) => Results.Content(LoginPage(returnUrl, null), "text/html"));
        app.MapPost("/login", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var returnUrl = form["returnUrl"].ToString();
            if (!_users.TryGetValue(form["username"].ToString().Trim(), out var user))
                return Results.Content(LoginPage(returnUrl, "No such person here."), "text/html", statusCode: 200);
            await context.SignInAsync(LoginScheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName)], LoginScheme)));
            return Results.Redirect(returnUrl.StartsWith("/connect/", StringComparison.Ordinal) ? returnUrl : "/");
        }).DisableAntiforgery();
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync);
        app.MapPost("/connect/token", (Delegate)TokenAsync);
        await app.StartAsync();
        _app = app;
    }

    private async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var signedIn = await context.AuthenticateAsync(LoginScheme);
        if (!signedIn.Succeeded || signedIn.Principal.Identity?.Name is not { } name || !_users.TryGetValue(name, out var user))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Refuse(Errors.LoginRequired, "The person is not signed in at the provider.");
            var back = context.Request.Path + context.Request.QueryString;
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
        }
        var identity = IdentityOf(user, request.GetScopes());
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Refuse(Errors.UnsupportedGrantType, "Only codes and refresh tokens here.");
        var presented = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = presented.Principal?.GetClaim(Claims.Subject);
        if (request.IsRefreshTokenGrantType()) Interlocked.Increment(ref _refreshes);
        // The person as the provider knows them now: removed people get nothing, changed groups show in the new tokens.
        var user = _users.Values.FirstOrDefault(u => u.Subject == subject);
        if (user is null) return Refuse(Errors.InvalidGrant, "The person is no longer known here.");
        return Results.SignIn(new ClaimsPrincipal(IdentityOf(user, presented.Principal!.GetScopes())), properties: null,
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ClaimsIdentity IdentityOf(IdentityProviderUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Subject)
            .SetClaim(Claims.Name, user.UserName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailVerified);
        identity.SetClaims(GroupsClaim, [.. user.Groups]);
        identity.SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return identity;
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string LoginPage(string? returnUrl, string? error) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Test ID · Sign in</title></head>
        <body><main>
        <h1>Test ID</h1>
        {(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/login">
          <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl ?? "")}">
          <label for="username">User name</label> <input id="username" name="username" autocomplete="username">
          <button type="submit">Continue</button>
        </form>
        </main></body></html>
        """;

    private sealed class ProviderDatabase(DbContextOptions<ProviderDatabase> options) : DbContext(options);
}
