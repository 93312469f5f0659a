namespace OtpWall.Core.Activations.Changes;

/// <summary>The owner's open pages (every tab, on this replica) hear of a change they show, and whether a code arrived.</summary>
public sealed class LivePagesEffect(ActivationNotifier notifier) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.Changed) notifier.Publish(change.UserId, new ActivationChange(change.ActivationId, change.CodeArrived));
        return Task.CompletedTask;
    }
}
