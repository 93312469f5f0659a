using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OtpWall.Core.Accounts;

namespace OtpWall.Dashboard.Components.Account.SingleSignOn;

/// <summary>
/// Sign-in through the team's identity provider with ASP.NET Core's own OpenID Connect handler (authorization code +
/// PKCE). The handler signs the provider's answer into Identity's external cookie; <see cref="ProviderSignIn"/> then
/// decides who that is here (a linked account, someone joining, an account to link) and signs them in as a password
/// sign-in would: a session of their own, in the audit log.
/// </summary>
internal static partial class SingleSignOn
{
    /// <summary>Where the provider sends people back (registered with the provider as the redirect URI).</summary>
    public const string CallbackPath = "/signin-oidc";

    public const string InviteItem = "otpwall-invite";

    public static WebApplicationBuilder AddSingleSignOn(this WebApplicationBuilder builder, AuthenticationBuilder authentication)
    {
        var services = builder.Services;
        services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<ProviderSignIn>();
        services.AddSingleton<ProviderRefreshTokens>();
        services.AddSingleton<LinkTokens>();
        var sso = builder.Configuration.GetSection(SsoOptions.SectionName).Get<SsoOptions>() ?? new SsoOptions();
        if (!sso.IsConfigured) return builder;

        var publicBase = builder.Configuration["OtpWall:PublicBaseAddress"];
        authentication.AddOpenIdConnect(SsoOptions.Scheme, sso.DisplayName, options =>
        {
            options.Authority = sso.Authority;
            options.ClientId = sso.ClientId;
            options.ClientSecret = string.IsNullOrEmpty(sso.ClientSecret) ? null : sso.ClientSecret;
            options.RequireHttpsMetadata = !Uri.TryCreate(sso.Authority, UriKind.Absolute, out var authority) || !authority.IsLoopback;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            // The answer comes back as a top-level GET: the correlation and nonce cookies can then be SameSite=Lax, and
            // Secure whenever the dashboard is reached over HTTPS (a form_post answer needs SameSite=None cookies).
            options.ResponseMode = OpenIdConnectResponseMode.Query;
            options.CorrelationCookie.SameSite = SameSiteMode.Lax;
            options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.NonceCookie.SameSite = SameSiteMode.Lax;
            options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.CallbackPath = CallbackPath;
            options.SignInScheme = IdentityConstants.ExternalScheme;
            options.Scope.Clear();
            foreach (var scope in sso.ScopeList) options.Scope.Add(scope);
            // The refresh token is kept (encrypted) to ask the provider, every revalidation interval, whether it still
            // knows the person.
            options.SaveTokens = true;
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = true;
            options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
            options.TokenValidationParameters.NameClaimType = "name";
            options.Events.OnRedirectToIdentityProvider = context =>
            {
                // Behind a proxy that rewrites the host, the address the provider must send people back to is configured.
                if (Uri.TryCreate(publicBase, UriKind.Absolute, out var root))
                {
                    var redirect = new Uri(new Uri(root.ToString().TrimEnd('/') + "/"), CallbackPath.TrimStart('/')).ToString();
                    // (the handler keeps this address for redeeming the code after the event)
                    context.ProtocolMessage.RedirectUri = redirect;
                }
                return Task.CompletedTask;
            };
            options.Events.OnTokenValidated = context =>
            {
                // Identity finds the linked account by the name identifier: the provider's stable subject.
                if (context.Principal?.Identity is ClaimsIdentity identity && identity.FindFirst("sub") is { } subject)
                    identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, subject.Value));
                return Task.CompletedTask;
            };
            options.Events.OnRemoteFailure = context =>
            {
                // A refused, tampered (state, nonce) or cancelled answer: the person reads why on the sign-in page, never
                // an exception.
                context.HandleResponse();
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOn));
                LogRemoteFailure(logger, context.Failure?.GetType().Name ?? "unknown", context.Failure?.Message ?? "");
                var linking = context.Properties?.Items.TryGetValue(LoginProviderXsrf, out var xsrf) == true && xsrf is not null;
                IdentityRedirectManager.AppendStatus(context.HttpContext,
                    $"Error: {(linking ? "Linking" : "Signing in with")} {sso.DisplayName} did not work: {WhyItFailed(context.Failure)} Try again.");
                context.Response.Redirect(context.Request.PathBase + (linking ? "/account/sso" : "/Account/Login"));
                return Task.CompletedTask;
            };
        });
        services.AddHostedService<ProviderMembershipCheck>();
        return builder;
    }

    // The item Identity's ConfigureExternalAuthenticationProperties keeps the linking person's id in.
    private const string LoginProviderXsrf = "XsrfId";

    public static IEndpointRouteBuilder MapSingleSignOn(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<SsoOptions>>().Value.IsConfigured) return endpoints;
        var group = endpoints.MapGroup("/Account/Sso");
        // The sign-in page's and the invite page's button: a link, not a form, since the page's policy lets forms post
        // only to this site (form-action 'self', which a form's redirect to the provider would break). Starting a sign-in
        // from elsewhere does no harm: the answer is accepted only in the browser that started it (the correlation
        // cookie), for the person who signs in at the provider there.
        group.MapGet("/SignIn", async (HttpContext context, [FromServices] SignInManager<ApplicationUser> signIn, string? returnUrl, string? invite) =>
        {
            await context.SignOutAsync(IdentityConstants.ExternalScheme);
            var properties = signIn.ConfigureExternalAuthenticationProperties(SsoOptions.Scheme,
                "/Account/Sso/Done?returnUrl=" + Uri.EscapeDataString(LocalOrHome(returnUrl)[2..]));
            if (!string.IsNullOrEmpty(invite)) properties.Items[InviteItem] = invite;
            return Results.Challenge(properties, [SsoOptions.Scheme]);
        });

        group.MapGet("/Done", async (HttpContext context, [FromServices] ProviderSignIn providerSignIn, string? returnUrl) =>
            Results.LocalRedirect(await providerSignIn.CompleteSignInAsync(context, LocalOrHome(returnUrl))));

        // Account & security › Single sign-on: link the signed-in person's account to their provider account. The link on
        // that page carries a token for this person that lasts ten minutes: another site cannot make someone link an
        // account signed in at the provider in their browser (perhaps the other site's own) to their account here.
        group.MapGet("/Link", async (HttpContext context, [FromServices] SignInManager<ApplicationUser> signIn, [FromServices] LinkTokens links, string? token) =>
        {
            if (signIn.UserManager.GetUserId(context.User) is not { } userId) return Results.LocalRedirect("~/Account/Login");
            if (!links.IsFor(token, userId))
            {
                IdentityRedirectManager.AppendStatus(context, "Error: That link has expired. Press Link again.");
                return Results.LocalRedirect("~/account/sso");
            }
            await context.SignOutAsync(IdentityConstants.ExternalScheme);
            var properties = signIn.ConfigureExternalAuthenticationProperties(SsoOptions.Scheme, "/Account/Sso/Linked", userId);
            return Results.Challenge(properties, [SsoOptions.Scheme]);
        }).RequireAuthorization();

        group.MapGet("/Linked", async (HttpContext context, [FromServices] ProviderSignIn providerSignIn) =>
            Results.LocalRedirect(await providerSignIn.CompleteLinkAsync(context))).RequireAuthorization();
        return endpoints;
    }

    // "~/wallet" for "wallet", "/wallet" or "~/wallet"; home for anything that would leave the site.
    private static string LocalOrHome(string? returnUrl)
    {
        var path = (returnUrl ?? "").TrimStart('~').TrimStart('/');
        return path.Length > 0 && LocalUrl.IsLocal("~/" + path) ? "~/" + path : "~/";
    }

    private static string WhyItFailed(Exception? failure) => failure?.Message switch
    {
        { } m when m.Contains("access_denied", StringComparison.Ordinal) => "the provider refused it.",
        { } m when m.Contains("login_required", StringComparison.Ordinal) => "the provider asked to sign in again.",
        { } m when m.Contains("Correlation failed", StringComparison.Ordinal) || m.Contains("state", StringComparison.OrdinalIgnoreCase) =>
            "the answer did not belong to a sign-in started in this browser.",
        { } m when m.Contains("nonce", StringComparison.OrdinalIgnoreCase) => "the provider's answer could not be verified.",
        _ => "the provider's answer could not be verified.",
    };

    [LoggerMessage(LogLevel.Warning, "A sign-in through the identity provider failed ({Failure}): {Message}")]
    private static partial void LogRemoteFailure(ILogger logger, string failure, string message);
}

/// <summary>The token of Account &amp; security's "Link" link: the person's id, sealed for ten minutes.</summary>
internal sealed class LinkTokens(IDataProtectionProvider protection, TimeProvider time)
{
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("OtpWall.Sso.Link.v1").ToTimeLimitedDataProtector();

    public string For(string userId) => _protector.Protect(userId, time.GetUtcNow().AddMinutes(10));

    public bool IsFor(string? token, string userId)
    {
        if (string.IsNullOrEmpty(token)) return false;
        try
        {
            return _protector.Unprotect(token, out var expires) == userId && expires > time.GetUtcNow();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
