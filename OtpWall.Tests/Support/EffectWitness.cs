using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpWall.Core.Activations;
using OtpWall.Core.Activations.Changes;
using OtpWall.Core.Data;

namespace OtpWall.Tests.Support;

/// <summary>
/// An effect registered around the commit point's own (first or last) that reads, from a database context of its own,
/// what was saved when it ran, and how many audit lines of activation changes the owner has by then.
/// </summary>
internal sealed class EffectWitness(IServiceProvider services, ConcurrentQueue<EffectWitness.Seen> seen) : IActivationEffect
{
    /// <summary>The audit actions of activation changes (registering and saving a key write lines of their own).</summary>
    public static readonly string[] ActivationActions = ["purchase", "outcome-unknown", "attach", "dismiss", "complete", "cancel", "auto-cancel"];

    public sealed record Seen(ActivationChanged Change, ActivationStatus? Saved, bool StillStored, int AuditLines);

    public async Task ApplyAsync(ActivationChanged change)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<OtpWallDbContext>>().CreateDbContextAsync();
        var saved = await db.Activations.Where(a => a.Id == change.ActivationId).Select(a => (ActivationStatus?)a.Status).SingleOrDefaultAsync();
        var stored = await db.Activations.AnyAsync(a => a.Id == change.ActivationId);
        var audit = await db.AuditEntries.CountAsync(e => e.SubjectId == change.UserId && ActivationActions.Contains(e.Action));
        seen.Enqueue(new Seen(change, saved, stored, audit));
    }
}
