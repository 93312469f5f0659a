using OtpWall.Core.Audit;
using OtpWall.Core.Upstream;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.ApiKeys;

/// <summary>How trying a key against OTPWALL went.</summary>
public enum KeyCheckOutcome
{
    /// <summary>OTPWALL answered with a balance.</summary>
    Works,

    /// <summary>OTPWALL refused the key (401/403).</summary>
    Refused,

    /// <summary>OTPWALL could not say (down, slow, rate limited, unreadable): the key may well be fine.</summary>
    Unreachable,
}

/// <summary>The result of checking a key: the outcome, the balance when it works, and a sentence for the user.</summary>
public sealed record KeyCheck(KeyCheckOutcome Outcome, Balance? Balance, string Message);

/// <summary>The result of saving a key typed by a user.</summary>
public sealed record KeySaveResult(bool Saved, KeyCheck? Check, string Message);

/// <summary>
/// The API key settings of one user: the format is checked first, then the key is tried against <c>/balance</c>.
/// A refused key is not saved; an unreachable OTPWALL does not stop the user from saving.
/// </summary>
public sealed class ApiKeyService(ApiKeyVault vault, OtpWallClientFactory clients, WalletService wallet, AuditLog audit)
{
    public const string FormatMessage = "An OTPWALL API key is exactly 32 letters and digits. Copy it again from OTPWALL's API Tools page.";

    public Task<StoredKeyLookup> GetAsync(string userId, CancellationToken cancellationToken = default) =>
        vault.GetAsync(userId, cancellationToken);

    public async Task<KeySaveResult> SaveAsync(string userId, string? typed, CancellationToken cancellationToken = default)
    {
        if (!OtpWallApiKey.TryParse(typed, out var key)) return new KeySaveResult(false, null, FormatMessage);

        var check = await CheckAsync(clients, key, cancellationToken);
        if (check.Outcome == KeyCheckOutcome.Refused)
            return new KeySaveResult(false, check,
                "OTPWALL refused this key, so it was not saved. Check that you copied all of it, or generate a new one in OTPWALL.");

        var previous = await vault.GetAsync(userId, cancellationToken);
        await vault.SaveAsync(userId, key, cancellationToken);
        wallet.Forget(userId);
        await audit.RecordAsync(previous.State == StoredKeyState.Missing ? AuditActions.KeySaved : AuditActions.KeyReplaced, userId,
            previous.State == StoredKeyState.Missing
                ? $"Saved an API key ending {key.LastFour}."
                : $"Replaced the API key{(previous.LastFour is { } old ? $" ending {old}" : "")} with one ending {key.LastFour}.",
            cancellationToken: cancellationToken);
        return new KeySaveResult(true, check, check.Outcome == KeyCheckOutcome.Works
            ? $"Key saved. It works: the balance is {check.Balance}."
            : "Key saved, but it could not be checked: " + check.Message);
    }

    /// <summary>Open activations bought with the saved key: replacing or removing it is confirmed first when there are any.</summary>
    public Task<int> OpenActivationsOfCurrentKeyAsync(string userId, CancellationToken cancellationToken = default) =>
        vault.OpenActivationsOfCurrentKeyAsync(userId, cancellationToken);

    public async Task<bool> RemoveAsync(string userId, CancellationToken cancellationToken = default)
    {
        var previous = await vault.GetAsync(userId, cancellationToken);
        var removed = await vault.RemoveAsync(userId, cancellationToken);
        wallet.Forget(userId);
        if (removed)
            await audit.RecordAsync(AuditActions.KeyRemoved, userId,
                $"Removed the API key{(previous.LastFour is { } old ? $" ending {old}" : "")}.", cancellationToken: cancellationToken);
        return removed;
    }

    /// <summary>Tries a key against <c>/balance</c>.</summary>
    internal static async Task<KeyCheck> CheckAsync(OtpWallClientFactory clients, OtpWallApiKey key, CancellationToken cancellationToken)
    {
        try
        {
            var balance = await clients.Create().GetBalanceAsync(key, cancellationToken);
            return new KeyCheck(KeyCheckOutcome.Works, balance, $"Balance {balance}.");
        }
        catch (OtpWallBadKeyException ex)
        {
            return new KeyCheck(KeyCheckOutcome.Refused, null, ex.Message);
        }
        catch (OtpWallException ex)
        {
            return new KeyCheck(KeyCheckOutcome.Unreachable, null, ex.Message);
        }
    }
}
