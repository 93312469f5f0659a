using System.Text.Json;
using System.Text.Json.Serialization;

namespace OtpWall.Core.LiveUpdates;

/// <summary>Something that changed, published on the <see cref="ChangeBus"/>.</summary>
public interface IChange;

/// <summary>A change that concerns one person (or one paying account): it can be followed for that person only.</summary>
public interface IUserChange : IChange
{
    string UserId { get; }
}

/// <summary>
/// A change every replica hears of: published on one, carried by the transport to the others. Its payload holds a kind
/// and ids, never a number, a code or a key. New kinds are added here with a name of their own; a replica that does not
/// know a kind (during a rolling update) ignores it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ActivationCommitted), "activation")]
[JsonDerivedType(typeof(KeysChanged), "keys")]
[JsonDerivedType(typeof(TeamKeyChanged), "team-key")]
[JsonDerivedType(typeof(PreferencesChanged), "preferences")]
[JsonDerivedType(typeof(SessionsEnded), "sessions-ended")]
[JsonDerivedType(typeof(MemberRegistered), "registered")]
[JsonDerivedType(typeof(MemberPolicyChanged), "member-policy")]
[JsonDerivedType(typeof(ApiTokensChanged), "api-tokens")]
public abstract record ReplicatedChange : IChange
{
    /// <summary>The replica it came from; null when it was made in this process.</summary>
    [JsonIgnore]
    public string? FromReplica { get; init; }
}

/// <summary>An activation change committed on a replica (the commit point's effects on the others follow it).</summary>
public sealed record ActivationCommitted(string UserId, Guid ActivationId, bool CodeArrived) : ReplicatedChange, IUserChange;

/// <summary>A person's keys were saved, replaced or removed: copies kept elsewhere are stale.</summary>
public sealed record KeysChanged(string UserId) : ReplicatedChange, IUserChange;

/// <summary>The team key was saved, replaced or removed: copies kept elsewhere are stale.</summary>
public sealed record TeamKeyChanged : ReplicatedChange;

/// <summary>A person's choices (buying, the low-balance warning) changed.</summary>
public sealed record PreferencesChanged(string UserId) : ReplicatedChange, IUserChange;

/// <summary>Sessions that just ended: one (<see cref="SessionId"/>), or all of a user's but <see cref="Kept"/>.</summary>
public sealed record SessionsEnded(string UserId, string? SessionId, string? Kept) : ReplicatedChange, IUserChange
{
    public bool Covers(string userId, string sessionId) =>
        userId == UserId && (SessionId is null ? sessionId != Kept : sessionId == SessionId);
}

/// <summary>Someone registered (the Team page's members and invites follow).</summary>
public sealed record MemberRegistered(string UserId) : ReplicatedChange, IUserChange;

/// <summary>A member's team-key limits or right to use it changed (their app bar follows).</summary>
public sealed record MemberPolicyChanged(string UserId) : ReplicatedChange, IUserChange;

/// <summary>A person's API tokens were revoked or ended: what a replica trusts of them is dropped.</summary>
public sealed record ApiTokensChanged(string UserId) : ReplicatedChange, IUserChange;

/// <summary>A replicated change as it travels: the payload's version, the replica it comes from, and the change.</summary>
internal sealed record ReplicaEnvelope(int V, string Replica, ReplicatedChange Change)
{
    /// <summary>The payload's version: a replica ignores a version it does not know (1 was a flat, untyped record).</summary>
    public const int Version = 2;

    public string Serialize() => JsonSerializer.Serialize(this, ReplicaEnvelopeJson.Default.ReplicaEnvelope);

    /// <summary>The change a payload carries, marked as from its replica; null for a payload this replica cannot read.</summary>
    public static ReplicatedChange? Read(string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(payload, ReplicaEnvelopeJson.Default.ReplicaEnvelope);
            return envelope is { V: Version, Replica: { Length: > 0 } replica, Change: { } change } ? change with { FromReplica = replica } : null;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReplicaEnvelope))]
internal sealed partial class ReplicaEnvelopeJson : JsonSerializerContext;
