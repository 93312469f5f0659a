using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpWall.Core.Accounts;
using OtpWall.Core.ApiTokens;
using OtpWall.Core.Audit;
using OtpWall.Core.Data;

namespace OtpWall.Dashboard.Components.Account.SingleSignOn;

/// <summary>
/// Every session revalidation interval, asks the provider (a refresh-token grant) about each linked person who still has
/// something open here: a session or an API token. A person it no longer knows (it refuses the refresh with
/// <c>invalid_grant</c>) is signed out of every session and their API tokens end; one check at a time across replicas
/// (a database gate), since providers rotate refresh tokens and a token used twice is refused. A provider that does not
/// answer changes nothing: people are not signed out because it is down.
/// </summary>
internal sealed partial class ProviderMembershipCheck(
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    IOptions<AccountSecurityOptions> security,
    ProviderRefreshTokens refreshTokens,
    IDbContextFactory<OtpWallDbContext> databases,
    SessionRegistry sessions,
    ApiTokenService apiTokens,
    AuditLog audit,
    DatabaseGates gates,
    DatabaseReadiness readiness,
    TimeProvider time,
    IOptions<SsoOptions> sso,
    ILogger<ProviderMembershipCheck> logger) : BackgroundService
{
    private const string Gate = "sso-membership";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.Ready.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(security.Value.SessionRevalidationInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAllAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex.GetType().Name);
            }
        }
    }

    /// <summary>One round: every linked person with a session or an API token open.</summary>
    public async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        await using var gate = await gates.TryEnterAsync(Gate, cancellationToken);
        if (gate is null) return; // another replica is asking right now
        var options = oidc.Get(SsoOptions.Scheme);
        if (options.ConfigurationManager is null) return;
        var configuration = await options.ConfigurationManager.GetConfigurationAsync(cancellationToken);
        foreach (var (userId, refreshToken) in await refreshTokens.AllAsync(cancellationToken))
        {
            if (refreshToken is null || !await HasAnythingOpenAsync(userId, cancellationToken)) continue;
            var answer = await RefreshAsync(options, configuration.TokenEndpoint, refreshToken, cancellationToken);
            switch (answer)
            {
                case { Refused: true }:
                    await EndAsync(userId, cancellationToken);
                    break;
                case { NewRefreshToken: { } renewed } when renewed != refreshToken:
                    await refreshTokens.KeepAsync(userId, renewed, cancellationToken);
                    break;
            }
        }
    }

    private async Task<bool> HasAnythingOpenAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await db.UserSessions.AnyAsync(s => s.UserId == userId && s.EndedAt == null, cancellationToken) ||
            await db.ApiTokens.AnyAsync(t => t.UserId == userId && (t.ExpiresAt == null || t.ExpiresAt > now), cancellationToken);
    }

    private async Task EndAsync(string userId, CancellationToken cancellationToken)
    {
        var name = sso.Value.DisplayName;
        var ended = await sessions.EndAllAsync(userId, $"{name} no longer knows the person", cancellationToken: cancellationToken);
        var tokens = await apiTokens.EndAllAsync(userId, $"{name} no longer knows the person", cancellationToken);
        await refreshTokens.ForgetAsync(userId, cancellationToken);
        await audit.RecordAsync(AuditActions.ProviderEnded, null,
            $"{name} no longer knows the person: {ended} session{(ended == 1 ? "" : "s")} and {tokens} API token{(tokens == 1 ? "" : "s")} ended.",
            userId, cancellationToken);
        LogEnded(logger);
    }

    private async Task<RefreshAnswer?> RefreshAsync(OpenIdConnectOptions options, string tokenEndpoint, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = options.ClientId!,
        };
        if (!string.IsNullOrEmpty(options.ClientSecret)) form["client_secret"] = options.ClientSecret;
        try
        {
            using var response = await options.Backchannel.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (response.IsSuccessStatusCode)
                return new RefreshAnswer(false, body.RootElement.TryGetProperty("refresh_token", out var renewed) ? renewed.GetString() : null);
            var error = body.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            if (error == "invalid_grant") return new RefreshAnswer(true, null);
            LogRefreshRefused(logger, (int)response.StatusCode, error ?? "none");
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogProviderUnreachable(logger, ex.GetType().Name);
            return null;
        }
    }

    private sealed record RefreshAnswer(bool Refused, string? NewRefreshToken);

    [LoggerMessage(LogLevel.Information, "The identity provider no longer knows a person: their sessions and API tokens ended")]
    private static partial void LogEnded(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "The identity provider answered a refresh with {Status} ({Error}): nobody is signed out for it")]
    private static partial void LogRefreshRefused(ILogger logger, int status, string error);

    [LoggerMessage(LogLevel.Warning, "The identity provider could not be asked about its people ({Failure}): nobody is signed out for it")]
    private static partial void LogProviderUnreachable(ILogger logger, string failure);

    [LoggerMessage(LogLevel.Error, "The single sign-on membership check failed ({Failure})")]
    private static partial void LogCheckFailed(ILogger logger, string failure);
}
