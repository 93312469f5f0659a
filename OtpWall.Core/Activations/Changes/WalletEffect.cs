using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The wallet's reading is read again after a purchase of unknown outcome (it may have cost money) and after any change
/// another replica made (it may have bought or refunded). Refunds reach it through the ledger; a purchase records the
/// balance it read after buying.
/// </summary>
public sealed class WalletEffect(WalletService wallet) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.Path == ChangePath.OtherReplica) wallet.Forget(change.UserId);
        else if (change.Path == ChangePath.Purchase && change.To == ActivationStatus.OutcomeUnknown) wallet.Forget(change.Account);
        return Task.CompletedTask;
    }
}
