using OtpWall.Core.Diagnostics;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// Counts purchases by outcome (a purchase's refusals are counted where it is refused: most never write a record),
/// automatic cancels, and how long a code took from the poll that read it to the owner's pages.
/// </summary>
public sealed class MetricsEffect(OtpWallMetrics metrics, TimeProvider time) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        switch (change.Path)
        {
            case ChangePath.Purchase when change.From == ActivationStatus.Buying && change.To == ActivationStatus.OutcomeUnknown:
                metrics.Purchase("outcome_unknown");
                break;
            case ChangePath.Purchase when change.From == ActivationStatus.Buying && change.To is { } to && to != ActivationStatus.Buying:
                metrics.Purchase("bought");
                break;
            case ChangePath.AutoCancel:
                metrics.AutoCancelled();
                break;
        }
        if (change.CodeArrived && change.ObservedAt is { } observedAt) metrics.CodeDelivered(time.GetUtcNow() - observedAt);
        return Task.CompletedTask;
    }
}
