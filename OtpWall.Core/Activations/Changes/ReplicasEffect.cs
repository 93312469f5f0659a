using OtpWall.Core.LiveUpdates;

namespace OtpWall.Core.Activations.Changes;

/// <summary>
/// The other replicas hear of a change committed here that pages show (<see cref="ActivationCommitted"/> on the bus,
/// which its transport carries); there <see cref="ActivationCommits"/> runs the effects that keep something in a process.
/// </summary>
public sealed class ReplicasEffect(ChangeBus bus) : IActivationEffect
{
    public Task ApplyAsync(ActivationChanged change)
    {
        if (change.IsLocal && change.Changed) bus.Publish(new ActivationCommitted(change.UserId, change.ActivationId, change.CodeArrived));
        return Task.CompletedTask;
    }
}
