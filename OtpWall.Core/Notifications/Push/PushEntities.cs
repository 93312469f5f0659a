namespace OtpWall.Core.Notifications.Push;

/// <summary>The instance's VAPID key pair, made once: the private key encrypted with the key ring.</summary>
public sealed class PushKeys
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>The public key (uncompressed P-256 point, base64url): what browsers subscribe with.</summary>
    public required string PublicKey { get; set; }

    public required string ProtectedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One browser (or installed app) of a person that receives push notifications.</summary>
public sealed class PushDevice
{
    public const int EndpointMaxLength = 2000;

    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>The push service's address for this browser (unique).</summary>
    public required string Endpoint { get; set; }

    /// <summary>The browser's public key (RFC 8291), base64url.</summary>
    public required string P256dh { get; set; }

    /// <summary>The browser's authentication secret (RFC 8291), base64url.</summary>
    public required string Auth { get; set; }

    /// <summary>What the page calls it (the push service's host: "Chrome", "Firefox", "Safari"…).</summary>
    public required string Name { get; set; }

    /// <summary>The events sent to this browser, as contract names separated by spaces.</summary>
    public required string Events { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public bool Sends(string @event) => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(@event);
}
