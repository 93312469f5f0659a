using OtpWall.Core.ApiKeys;

namespace OtpWall.Core.Activations.Changes;

/// <summary>A replaced key is kept only while numbers it bought are open: when one closes, a key nothing needs goes.</summary>
public sealed class RetiredKeyEffect(PayingKeys keys) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change) =>
        change.IsLocal && change.Closed ? keys.PruneRetiredAsync(change.UserId, change.Payer, CancellationToken.None) : Task.CompletedTask;
}
