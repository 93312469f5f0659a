using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;

namespace OtpWall.Dashboard.Components.Account.SingleSignOn;

/// <summary>
/// Each linked person's latest refresh token from the provider, encrypted with the instance's key ring (Data Protection)
/// in Identity's user-token table: with it the dashboard asks the provider whether it still knows the person.
/// </summary>
internal sealed class ProviderRefreshTokens(IDbContextFactory<OtpWallDbContext> databases, IDataProtectionProvider protection)
{
    private const string Name = "refresh_token";
    private readonly IDataProtector _protector = protection.CreateProtector("OtpWall.Sso.RefreshToken.v1");

    public async Task KeepAsync(string userId, IEnumerable<AuthenticationToken>? tokens, CancellationToken cancellationToken = default)
    {
        if (tokens?.FirstOrDefault(t => t.Name == Name)?.Value is { Length: > 0 } value) await KeepAsync(userId, value, cancellationToken);
    }

    public async Task KeepAsync(string userId, string refreshToken, CancellationToken cancellationToken = default)
    {
        var sealedValue = _protector.Protect(refreshToken);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var updated = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == SsoOptions.Scheme && t.Name == Name)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, sealedValue), cancellationToken);
        if (updated > 0) return;
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = SsoOptions.Scheme, Name = Name, Value = sealedValue });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two sign-ins of the same person at once: the other one kept its token, as good as this one.
        }
    }

    public async Task ForgetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == SsoOptions.Scheme && t.Name == Name).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Every person with a kept token, and the token (null when it no longer decrypts: a lost key ring).</summary>
    public async Task<IReadOnlyList<(string UserId, string? RefreshToken)>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.UserTokens.AsNoTracking().Where(t => t.LoginProvider == SsoOptions.Scheme && t.Name == Name)
            .Select(t => new { t.UserId, t.Value }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.UserId, Unprotect(r.Value))).ToList();
    }

    private string? Unprotect(string? value)
    {
        if (value is null) return null;
        try
        {
            return _protector.Unprotect(value);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
