using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Dashboard.Components.Account;

/// <summary>
/// The signed-in person of one open tab (circuit). The tab is signed out the moment its session ends on this server
/// (signed out in another tab, everywhere, password changed or reset, account disabled: <see cref="SessionsEnded"/> on the bus),
/// when a check finds the session closed by anyone else, and on a short interval when the account changed (disabled,
/// new security stamp). Signed out, the page it shows sends it to sign-in, and <see cref="SessionCircuitGuard"/> drops
/// whatever the tab still asks for.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly Task<AuthenticationState> s_signedOut = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity())));

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly IOptions<IdentityOptions> _identityOptions;
    private readonly IOptions<AccountSecurityOptions> _securityOptions;
    private readonly SessionRegistry _sessions;
    private readonly IDisposable _ends;
    private volatile bool _ended;
    private string? _endedSessionId;

    public IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> identityOptions,
        IOptions<AccountSecurityOptions> securityOptions,
        SessionRegistry sessions,
        ChangeBus bus)
        : base(loggerFactory)
    {
        _scopeFactory = scopeFactory;
        _identityOptions = identityOptions;
        _securityOptions = securityOptions;
        _sessions = sessions;
        _ends = bus.Subscribe<SessionsEnded>(OnSessionsEnded);
    }

    protected override TimeSpan RevalidationInterval => _securityOptions.Value.SessionRevalidationInterval;

    /// <summary>
    /// False once this tab's session has ended (its person signed out one way or another); checks the database at most
    /// every two seconds, so a session ended by another server process is noticed too.
    /// </summary>
    public async Task<bool> SessionStillOpenAsync()
    {
        if (_ended) return false;
        var state = await GetAuthenticationStateAsync();
        if (state.User.Identity?.IsAuthenticated != true) return true;
        if (await IsSessionOpenAsync(state.User)) return true;
        EndHere();
        return false;
    }

    /// <summary>The id of this tab's session once it has ended (for why it ended), else null.</summary>
    public Task<string?> EndedSessionIdAsync() => Task.FromResult(_ended ? _endedSessionId : null);

    /// <summary>The session id the tab's cookie carried, for where it signed in from.</summary>
    public async Task<string?> SessionIdAsync() => (await GetAuthenticationStateAsync()).User.FindFirstValue(SessionRegistry.ClaimType);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (!await IsSessionOpenAsync(authenticationState.User)) return false;
        await using var scope = _scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await IsStillValidAsync(userManager, authenticationState.User);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _ends.Dispose();
        base.Dispose(disposing);
    }

    private Task<bool> IsSessionOpenAsync(ClaimsPrincipal principal) =>
        principal.FindFirstValue(_identityOptions.Value.ClaimsIdentity.UserIdClaimType) is { } userId
            ? _sessions.IsOpenAsync(userId, principal.FindFirstValue(SessionRegistry.ClaimType))
            : Task.FromResult(false);

    private Task OnSessionsEnded(SessionsEnded ended)
    {
        var state = GetAuthenticationStateAsync();
        if (!state.IsCompletedSuccessfully) return Task.CompletedTask;
        var user = state.Result.User;
        if (user.FindFirstValue(_identityOptions.Value.ClaimsIdentity.UserIdClaimType) is { } userId &&
            ended.Covers(userId, user.FindFirstValue(SessionRegistry.ClaimType) ?? ""))
            EndHere();
        return Task.CompletedTask;
    }

    private void EndHere()
    {
        if (_ended) return;
        var state = GetAuthenticationStateAsync();
        _endedSessionId = state.IsCompletedSuccessfully ? state.Result.User.FindFirstValue(SessionRegistry.ClaimType) : null;
        _ended = true;
        SetAuthenticationState(s_signedOut);
    }

    private async Task<bool> IsStillValidAsync(UserManager<ApplicationUser> userManager, ClaimsPrincipal principal)
    {
        var user = await userManager.GetUserAsync(principal);
        if (user is null || user.IsDisabled) return false;
        if (!userManager.SupportsUserSecurityStamp) return true;
        var principalStamp = principal.FindFirstValue(_identityOptions.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await userManager.GetSecurityStampAsync(user);
    }
}
