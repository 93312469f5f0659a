using OtpWall.Core.Activations.Insights;

namespace OtpWall.Core.Activations.Changes;

/// <summary>The team's figures per pair (success, time to code, last price) are worked out again after any change they may count.</summary>
public sealed class InsightsEffect(PairInsights insights) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.Changed) insights.MarkStale();
        return Task.CompletedTask;
    }
}
