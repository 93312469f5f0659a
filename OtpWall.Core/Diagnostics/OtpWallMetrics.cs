using System.Diagnostics;
using System.Diagnostics.Metrics;
using OtpWall.Core.Upstream;

namespace OtpWall.Core.Diagnostics;

/// <summary>
/// The dashboard's own measurements, through <see cref="System.Diagnostics.Metrics"/> (exported by the Dashboard's
/// hosting as <c>otpwall_*</c>). Labels are bounded by construction: an operation, an outcome, a reason, a status, a
/// policy; never a key, an e-mail, a number, an SMS text or a user id.
/// </summary>
public sealed class OtpWallMetrics : IDisposable
{
    public const string MeterName = "OtpWall";

    private static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

    private readonly Meter _meter;
    private readonly Histogram<double> _pollLag;
    private readonly Counter<long> _statusReads;
    private readonly Counter<long> _upstreamRequests;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _purchases;
    private readonly Counter<long> _autoCancels;
    private readonly Counter<long> _codes;
    private readonly Counter<long> _notifications;
    private readonly Histogram<double> _notificationLatency;
    private readonly Histogram<double> _smsToScreen;
    private readonly UpDownCounter<long> _circuits;
    private readonly Counter<long> _signInFailures;
    private readonly Counter<long> _lockouts;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _apiRequests;
    private readonly Histogram<double> _apiDuration;
    private readonly UpDownCounter<long> _apiLongPolls;
    private Func<IEnumerable<(string Status, long Count)>>? _openActivations;
    private Func<(long? DatabaseBytes, long? FreeBytes, long? TotalBytes)>? _storage;

    public OtpWallMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _pollLag = _meter.CreateHistogram("otpwall.poll.lag", "s",
            "How late each status read started against its schedule.", advice: seconds);
        _statusReads = _meter.CreateCounter<long>("otpwall.status.reads", description: "Status reads the poller sent to OTPWALL.");
        _upstreamRequests = _meter.CreateCounter<long>("otpwall.upstream.requests",
            description: "Calls to OTPWALL by operation and outcome (retries of a call count once).");
        _upstreamDuration = _meter.CreateHistogram("otpwall.upstream.request.duration", "s",
            "How long calls to OTPWALL took, retries included, by operation and outcome.", advice: seconds);
        _purchases = _meter.CreateCounter<long>("otpwall.purchases", description: "Purchases by outcome and, when refused, reason.");
        _autoCancels = _meter.CreateCounter<long>("otpwall.auto_cancels", description: "Numbers cancelled by the dashboard because no SMS came in time.");
        _notifications = _meter.CreateCounter<long>("otpwall.notifications",
            description: "Notification delivery attempts by channel and outcome (delivered, failed, gave_up, paused).");
        _notificationLatency = _meter.CreateHistogram<double>("otpwall.notification.latency", unit: "s",
            description: "From the change a notification tells of to its delivery, by channel.");
        _codes = _meter.CreateCounter<long>("otpwall.codes.delivered", description: "SMS found by the poller and pushed to their owner's pages.");
        _smsToScreen = _meter.CreateHistogram("otpwall.sms_to_screen", "s",
            "From the start of the status read that found an SMS to its push to the owner's open pages.", advice: seconds);
        _circuits = _meter.CreateUpDownCounter<long>("otpwall.circuits", description: "Open Blazor circuits (live browser tabs).");
        _signInFailures = _meter.CreateCounter<long>("otpwall.sign_in.failures", description: "Failed sign-ins (wrong password or unknown e-mail).");
        _lockouts = _meter.CreateCounter<long>("otpwall.sign_in.lockouts", description: "Accounts locked after repeated failures.");
        _rateLimited = _meter.CreateCounter<long>("otpwall.rate_limit.rejections", description: "Requests refused by the dashboard's own rate limits, by policy.");
        _apiRequests = _meter.CreateCounter<long>("otpwall.api.requests", description: "Requests to the team's API (/api/v1) by route and outcome.");
        _apiDuration = _meter.CreateHistogram("otpwall.api.request.duration", "s",
            "How long the team's API took to answer, by route and outcome (long polls included).", advice: seconds);
        _apiLongPolls = _meter.CreateUpDownCounter<long>("otpwall.api.long_polls.waiting", description: "Status requests (?wait=N) waiting for a change now.");
        _meter.CreateObservableGauge("otpwall.activations.open", ObserveOpenActivations, description: "Activations the poller follows, by status.");
        _meter.CreateObservableGauge("otpwall.database.size", () => Storage(s => s.DatabaseBytes), "By", "Size of the database file(s).");
        _meter.CreateObservableGauge("otpwall.data_folder.free", () => Storage(s => s.FreeBytes), "By", "Free space where the data folder is.");
        _meter.CreateObservableGauge("otpwall.data_folder.size", () => Storage(s => s.TotalBytes), "By", "Size of the disk the data folder is on.");
    }

    public void PollLag(TimeSpan lag) => _pollLag.Record(Math.Max(0, lag.TotalSeconds));

    public void StatusRead() => _statusReads.Add(1);

    public void UpstreamCall(string operation, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        _upstreamRequests.Add(1, tags);
        _upstreamDuration.Record(duration.TotalSeconds, tags);
    }

    /// <summary><paramref name="outcome"/>: bought, refused or outcome_unknown; <paramref name="reason"/> says why a refusal.</summary>
    public void Purchase(string outcome, string reason = "none") =>
        _purchases.Add(1, new TagList { { "outcome", outcome }, { "reason", reason } });

    public void AutoCancelled() => _autoCancels.Add(1);

    public void Notification(string channel, string outcome) =>
        _notifications.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    public void NotificationDelivered(string channel, TimeSpan sinceChange) =>
        _notificationLatency.Record(Math.Max(0, sinceChange.TotalSeconds), new KeyValuePair<string, object?>("channel", channel));

    public void CodeDelivered(TimeSpan sinceRead)
    {
        _codes.Add(1);
        _smsToScreen.Record(Math.Max(0, sinceRead.TotalSeconds));
    }

    /// <summary><paramref name="route"/>: the method and route pattern; <paramref name="outcome"/>: ok, unauthorized, forbidden, not_found, rate_limited, refused or error.</summary>
    public void ApiRequest(string route, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "route", route }, { "outcome", outcome } };
        _apiRequests.Add(1, tags);
        _apiDuration.Record(duration.TotalSeconds, tags);
    }

    public void ApiLongPollStarted() => _apiLongPolls.Add(1);

    public void ApiLongPollEnded() => _apiLongPolls.Add(-1);

    public void CircuitOpened() => _circuits.Add(1);

    public void CircuitClosed() => _circuits.Add(-1);

    public void SignInFailed() => _signInFailures.Add(1);

    public void LockedOut() => _lockouts.Add(1);

    public void RateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    /// <summary>The poller says what it follows (counted from memory when a scrape asks, never from the database).</summary>
    public void ObserveOpenActivations(Func<IEnumerable<(string Status, long Count)>> read) => _openActivations = read;

    /// <summary>The data folder's figures, read when a scrape asks.</summary>
    public void ObserveStorage(Func<(long? DatabaseBytes, long? FreeBytes, long? TotalBytes)> read) => _storage = read;

    /// <summary>The label an upstream failure is counted under.</summary>
    public static string OutcomeOf(Exception exception) => exception switch
    {
        PurchaseOutcomeUnknownException => "outcome_unknown",
        OtpWallBadKeyException => "bad_key",
        OtpWallInsufficientBalanceException => "not_enough_balance",
        OtpWallNotFoundException => "not_found",
        OtpWallNotAllowedException => "not_allowed",
        OtpWallBadRequestException { NoNumbers: true } => "no_numbers",
        OtpWallBadRequestException => "refused",
        OtpWallRateLimitedException => "rate_limited",
        OtpWallTimeoutException => "timeout",
        OtpWallUnavailableException => "unavailable",
        OtpWallUnreadableResponseException => "unreadable",
        OperationCanceledException => "cancelled",
        _ => "error",
    };

    private IEnumerable<Measurement<long>> ObserveOpenActivations() =>
        _openActivations?.Invoke().Select(s => new Measurement<long>(s.Count, new KeyValuePair<string, object?>("status", s.Status))) ?? [];

    private IEnumerable<Measurement<long>> Storage(Func<(long? DatabaseBytes, long? FreeBytes, long? TotalBytes), long?> pick)
    {
        if (_storage is null) return [];
        try
        {
            return pick(_storage()) is { } value ? [new Measurement<long>(value)] : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void Dispose() => _meter.Dispose();
}
