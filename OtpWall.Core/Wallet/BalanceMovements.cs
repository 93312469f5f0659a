using System.Collections.Concurrent;

namespace OtpWall.Core.Wallet;

/// <summary>
/// Counts the times money came back to a user's balance, or left it, outside a purchase (refunds, purchases of
/// unknown outcome). OTPWALL has no price list, so a price is the balance before a purchase minus the balance after:
/// it is only right when the count did not change in between. Each movement also makes the wallet read again.
/// </summary>
public sealed class BalanceMovements(WalletService wallet)
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>How many movements were noted for this user so far; compare two readings of it around a purchase.</summary>
    public int Count(string userId) => _counts.GetValueOrDefault(userId);

    public void Note(string userId)
    {
        _counts.AddOrUpdate(userId, 1, (_, n) => n + 1);
        wallet.Forget(userId);
    }
}
