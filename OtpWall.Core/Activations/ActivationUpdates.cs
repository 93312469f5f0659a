namespace OtpWall.Core.Activations;

/// <summary>How what OTPWALL says changes a recorded activation, and when to ask again. Shared by actions and the poller.</summary>
internal static class ActivationUpdates
{
    /// <summary>Applies a status answer; returns whether anything a person sees changed, and whether a code arrived.</summary>
    public static (bool Changed, bool CodeArrived) Apply(Activation activation, ActivationSnapshot snapshot, DateTimeOffset now)
    {
        var changed = false;
        var codeArrived = false;
        if (snapshot.Sms is { } sms && (activation.Messages.Count == 0 || activation.Messages.MaxBy(m => m.ReceivedAt)!.Text != sms))
        {
            var code = OtpCodeExtractor.Extract(sms);
            activation.Messages.Add(new ActivationMessage { ActivationId = activation.Id, Text = sms, Code = code, ReceivedAt = now });
            activation.FirstSmsAt ??= now;
            activation.Code = code ?? activation.Code;
            codeArrived = true;
            changed = true;
        }
        if (activation.Status != snapshot.Status || activation.RawStatus != snapshot.RawStatus)
        {
            activation.Status = snapshot.Status;
            activation.RawStatus = snapshot.RawStatus;
            changed = true;
        }
        if (activation.Status.IsFinal())
        {
            activation.ClosedAt ??= now;
            activation.NextPollAt = null;
        }
        if (changed) activation.UpdatedAt = now;
        return (changed, codeArrived);
    }

    /// <summary>
    /// The next poll: fast while young, slower later and for statuses nobody knows. Anchored to when this poll was due,
    /// so a late poll does not push the later ones back; after a whole interval missed, counted from now (no catch-up burst).
    /// </summary>
    public static DateTimeOffset NextPoll(ActivationStatus status, DateTimeOffset createdAt, DateTimeOffset anchor, DateTimeOffset now, ActivationOptions options)
    {
        var interval = status == ActivationStatus.Unknown || now - createdAt >= options.FastPollFor ? options.SlowPollInterval : options.FastPollInterval;
        var next = anchor + interval;
        return next > now ? next : now + interval;
    }

    /// <summary>After repeated failures: double the wait each time, up to the maximum.</summary>
    public static DateTimeOffset Backoff(int failures, DateTimeOffset now, ActivationOptions options)
    {
        var factor = Math.Pow(2, Math.Min(failures, 10));
        var wait = TimeSpan.FromTicks((long)Math.Min(options.FastPollInterval.Ticks * factor, options.MaxErrorBackoff.Ticks));
        return now + wait;
    }
}
