using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using OtpWall.Core.LiveUpdates;

namespace OtpWall.Tests.LiveUpdates;

/// <summary>
/// The change bus: who hears what, that nobody waits for a slow or broken listener, what travels to other replicas and
/// in which shape.
/// </summary>
public sealed class ChangeBusTests
{
    private readonly ChangeBus _bus = new(NullLogger<ChangeBus>.Instance);

    private sealed record Note(string UserId, string Text) : IUserChange;

    [Fact]
    public void APersonsChange_ReachesTheirFollowersAndThoseOfEveryone_NeverAnotherPersons()
    {
        var ada = new List<string>();
        var everyone = new List<string>();
        using var _ = _bus.SubscribeFor<Note>("ada", n => Add(ada, n.Text));
        using var __ = _bus.Subscribe<Note>(n => Add(everyone, n.Text));

        _bus.Publish(new Note("ada", "for Ada"));
        _bus.Publish(new Note("bob", "for Bob"));

        Assert.Equal(["for Ada"], ada);
        Assert.Equal(["for Ada", "for Bob"], everyone);
    }

    [Fact]
    public void ABrokenOrStuckListener_HoldsUpNeitherThePublisherNorTheOthers_AndAnEndedSubscriptionHearsNothing()
    {
        var stuck = new TaskCompletionSource();
        var heard = new List<string>();
        using var broken = _bus.SubscribeFor<Note>("ada", _ => throw new InvalidOperationException("a page broke"));
        using var slow = _bus.SubscribeFor<Note>("ada", _ => stuck.Task);
        var ended = _bus.SubscribeFor<Note>("ada", n => Add(heard, "ended: " + n.Text));
        using var working = _bus.SubscribeFor<Note>("ada", n => Add(heard, n.Text));
        ended.Dispose();

        _bus.Publish(new Note("ada", "code 48213"));

        Assert.Equal(["code 48213"], heard);
        Assert.Equal(3, _bus.SubscriptionCount);
        stuck.SetResult();
    }

    [Fact]
    public void OnlyReplicatedChangesMadeHere_GoToTheTransport_NotThoseItBroughtNorLocalOnes()
    {
        var sent = new ConcurrentQueue<ReplicatedChange>();
        var heard = new ConcurrentQueue<KeysChanged>();
        using var transport = _bus.Carry(sent.Enqueue);
        using var _ = _bus.Subscribe<KeysChanged>(c => { heard.Enqueue(c); return Task.CompletedTask; });

        _bus.Publish(new KeysChanged("ada"));
        _bus.Receive(new KeysChanged("bob") { FromReplica = "replica-b" });
        _bus.Publish(new Note("ada", "pages only"));

        Assert.Equal([new KeysChanged("ada")], sent);
        Assert.Equal(["ada", "bob"], heard.Select(c => c.UserId));
        Assert.Equal([null, "replica-b"], heard.Select(c => c.FromReplica));
        Assert.Throws<InvalidOperationException>(() => _bus.Carry(_ => { }));
    }

    public static TheoryData<ReplicatedChange> EveryReplicatedKind() =>
    [
        new ActivationCommitted("user-1", Guid.NewGuid(), CodeArrived: true),
        new KeysChanged("user-1"),
        new TeamKeyChanged(),
        new PreferencesChanged("user-1"),
        new SessionsEnded("user-1", null, "kept-session"),
        new MemberRegistered("user-1"),
        new MemberPolicyChanged("user-1"),
        new ApiTokensChanged("user-1"),
    ];

    [Theory]
    [MemberData(nameof(EveryReplicatedKind))]
    public void EveryReplicatedChange_ArrivesOnTheOtherReplicaAsItWasSent_MarkedWithWhereItCameFrom(ReplicatedChange change)
    {
        var payload = new ReplicaEnvelope(ReplicaEnvelope.Version, "replica-a", change).Serialize();

        var arrived = ReplicaEnvelope.Read(payload);

        Assert.Equal(change with { FromReplica = "replica-a" }, arrived);
        Assert.Contains("\"v\":2", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryKindOfReplicatedChange_IsInTheListAbove_SoEachIsProvedToTravel()
    {
        var kinds = typeof(ReplicatedChange).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ReplicatedChange))).ToHashSet();
        var registered = typeof(ReplicatedChange).GetCustomAttributes<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();
        var tested = EveryReplicatedKind().Cast<object[]>().Select(row => row[0].GetType()).ToHashSet();

        Assert.Equal(kinds.OrderBy(t => t.Name), registered.OrderBy(t => t.Name));
        Assert.Equal(kinds.OrderBy(t => t.Name), tested.OrderBy(t => t.Name));
    }

    [Theory]
    [InlineData("""{"v":1,"kind":"keys","replica":"replica-a","user":"user-1"}""")]
    [InlineData("""{"v":3,"replica":"replica-a","change":{"kind":"keys","userId":"user-1"}}""")]
    [InlineData("""{"v":2,"replica":"replica-a","change":{"kind":"a-kind-from-a-newer-replica","userId":"user-1"}}""")]
    [InlineData("""{"v":2,"change":{"kind":"keys","userId":"user-1"}}""")]
    [InlineData("not json at all")]
    public void APayloadThisReplicaCannotRead_IsIgnored(string payload) => Assert.Null(ReplicaEnvelope.Read(payload));

    private static Task Add(List<string> list, string text)
    {
        list.Add(text);
        return Task.CompletedTask;
    }
}
