namespace OtpWall.Core.Activations.Polling;

/// <summary>
/// The poller's due queue, in memory. Each person has a queue of their own, and the next poll goes to whoever has the
/// fewest polls in flight (then the earliest due): one person's 500 numbers never starve another's 2. Each key has a
/// ceiling of reads per second (a bucket refilled continuously) and can be paused while OTPWALL rate-limits it; a poll
/// held back by its key waits without holding back anyone else's. Thread-safe.
/// </summary>
internal sealed class PollSchedule(double readsPerKeyPerSecond)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, TrackedActivation> _tracked = [];
    private readonly Dictionary<string, PersonQueue> _people = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KeyBudget> _keys = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_gate) return _tracked.Count; }
    }

    public bool IsTracked(Guid id)
    {
        lock (_gate) return _tracked.ContainsKey(id);
    }

    /// <summary>Follows an activation (or replaces what was known of it), first polled at its <see cref="TrackedActivation.Anchor"/>.</summary>
    public void Track(TrackedActivation activation)
    {
        lock (_gate)
        {
            _tracked[activation.Id] = activation;
            Enqueue(activation, activation.Anchor);
        }
    }

    /// <summary>What is followed, by status (for the open-activations gauge).</summary>
    public List<(string Status, long Count)> CountByStatus()
    {
        // Waiting and received are always reported, at 0 when none: a graph shows a flat line, not a gap.
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["waiting"] = 0, ["received"] = 0 };
        lock (_gate)
            foreach (var activation in _tracked.Values)
                counts[activation.Status.ToContractName()] = counts.GetValueOrDefault(activation.Status.ToContractName()) + 1;
        return [.. counts.Select(c => (c.Key, c.Value))];
    }

    public void Forget(Guid id)
    {
        lock (_gate) _tracked.Remove(id);
    }

    /// <summary>Follows nothing any more (another replica took the polling over); polls in flight still finish.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _tracked.Clear();
            foreach (var person in _people.Values) person.Due.Clear();
        }
    }

    /// <summary>Takes the next poll that is due and allowed now, if any; it is in flight until <see cref="Done"/>.</summary>
    public bool TryTakeDue(DateTimeOffset now, out TrackedActivation activation)
    {
        lock (_gate)
        {
            PersonQueue? best = null;
            DateTimeOffset bestDue = default;
            foreach (var person in _people.Values)
            {
                if (!TryPeekAllowed(person, now, out var due)) continue;
                if (best is null || person.InFlight < best.InFlight || (person.InFlight == best.InFlight && due < bestDue))
                    (best, bestDue) = (person, due);
            }
            if (best is null)
            {
                activation = null!;
                return false;
            }
            activation = best.Due.Dequeue();
            activation.DueAt = bestDue;
            _keys[activation.KeyId].Tokens -= 1;
            best.InFlight++;
            return true;
        }
    }

    /// <summary>A poll finished: it is due again at <paramref name="next"/>, or no more when that is null.</summary>
    public void Done(TrackedActivation activation, DateTimeOffset? next)
    {
        lock (_gate)
        {
            if (_people.TryGetValue(activation.UserId, out var person)) person.InFlight--;
            var current = _tracked.GetValueOrDefault(activation.Id);
            if (!ReferenceEquals(current, activation)) return; // replaced or forgotten meanwhile
            if (next is not { } due)
            {
                _tracked.Remove(activation.Id);
                return;
            }
            activation.Anchor = due;
            Enqueue(activation, due);
        }
    }

    /// <summary>OTPWALL asked this key to wait: none of its polls go out before <paramref name="until"/>.</summary>
    public void PauseKey(string keyId, DateTimeOffset until)
    {
        lock (_gate) BudgetFor(keyId).PausedUntil = until;
    }

    /// <summary>When the earliest poll is due (it may still be held back by its key), or null when nothing is followed.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var person in _people.Values)
            {
                DropStale(person);
                if (person.Due.TryPeek(out _, out var due) && (next is null || due < next)) next = due;
            }
            return next;
        }
    }

    private void Enqueue(TrackedActivation activation, DateTimeOffset due)
    {
        if (!_people.TryGetValue(activation.UserId, out var person)) _people[activation.UserId] = person = new PersonQueue();
        person.Due.Enqueue(activation, due);
    }

    // The person's earliest poll that is due and whose key allows it now; polls their key holds back are moved to
    // when it will allow them, so they do not block this person's other keys or anyone else.
    private bool TryPeekAllowed(PersonQueue person, DateTimeOffset now, out DateTimeOffset due)
    {
        while (true)
        {
            DropStale(person);
            if (!person.Due.TryPeek(out var head, out due) || due > now) return false;
            var budget = BudgetFor(head.KeyId);
            budget.Refill(now, readsPerKeyPerSecond);
            var allowedAt = budget.PausedUntil > now ? budget.PausedUntil
                : budget.Tokens >= 1 ? now
                : now + TimeSpan.FromSeconds((1 - budget.Tokens) / readsPerKeyPerSecond);
            if (allowedAt <= now) return true;
            person.Due.Dequeue();
            person.Due.Enqueue(head, allowedAt);
        }
    }

    private void DropStale(PersonQueue person)
    {
        while (person.Due.TryPeek(out var head, out _) && !ReferenceEquals(_tracked.GetValueOrDefault(head.Id), head)) person.Due.Dequeue();
    }

    private KeyBudget BudgetFor(string keyId)
    {
        if (!_keys.TryGetValue(keyId, out var budget)) _keys[keyId] = budget = new KeyBudget { Tokens = Math.Max(1, readsPerKeyPerSecond) };
        return budget;
    }

    private sealed class PersonQueue
    {
        public PriorityQueue<TrackedActivation, DateTimeOffset> Due { get; } = new();

        public int InFlight { get; set; }
    }

    private sealed class KeyBudget
    {
        public double Tokens { get; set; }

        public DateTimeOffset RefilledAt { get; set; }

        public DateTimeOffset PausedUntil { get; set; }

        // A second's worth of reads at most: a quiet key cannot save up a burst.
        public void Refill(DateTimeOffset now, double perSecond)
        {
            if (RefilledAt != default && now > RefilledAt) Tokens = Math.Min(Math.Max(1, perSecond), Tokens + (now - RefilledAt).TotalSeconds * perSecond);
            if (now > RefilledAt) RefilledAt = now;
        }
    }
}
