using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations.Changes;

/// <summary>The owner's open pages (every tab, on this replica) hear of a change they show, and whether a code arrived.</summary>
public sealed class LivePagesEffect(ChangeBus bus) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.Changed) bus.Publish(new ActivationChange(change.UserId, change.ActivationId, change.CodeArrived));
        return Task.CompletedTask;
    }
}
