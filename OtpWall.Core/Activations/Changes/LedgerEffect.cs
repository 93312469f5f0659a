using OtpWall.Core.Activations.Purchasing;
using OtpWall.Core.Wallet;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The ledger of balance movements learns what a cancel gave back (the owner's or the poller's automatic one; unknown
/// when the status after it could not be read), or a refund OTPWALL made on its own (an expiry, a cancel on its site).
/// </summary>
public sealed class LedgerEffect(BalanceMovements movements) : IActivationEffect
{
    public async Task ApplyAsync(ActivationChanged change)
    {
        if (!change.IsLocal || change.Refund is not { } refund || change.Activation is not { } activation) return;
        var amount = PriceEstimates.RefundOf(activation);
        if (refund.StartedMovement is { } movement) await movements.SettleAsync(movement, change.Account, refund.AmountKnown ? amount : null);
        else await movements.NoteAsync(change.Account, change.ActivationId, amount, CancellationToken.None);
    }
}
