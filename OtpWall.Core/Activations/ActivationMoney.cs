namespace OtpWall.Core.Activations;

/// <summary>
/// What an activation cost, said the same way everywhere (History, its CSV, Usage). OTPWALL charges a number when it is
/// bought and refunds it when it is cancelled or expires without an SMS: so a number that received an SMS is spent, one
/// still waiting is spent until it is refunded, and a cancelled or expired one without an SMS is refunded (it costs
/// nothing). A purchase of unknown outcome has no known price.
/// </summary>
public static class ActivationMoney
{
    public static bool GotCode(ActivationStatus status, bool hasMessages) =>
        hasMessages || status is ActivationStatus.Received or ActivationStatus.Completed;

    public static bool IsRefunded(ActivationStatus status, bool hasMessages) =>
        status is ActivationStatus.Cancelled or ActivationStatus.Expired && !hasMessages;

    public static bool IsRefunded(this ActivationView activation) => IsRefunded(activation.Status, activation.Messages.Count > 0);

    public static bool GotCode(this ActivationView activation) => GotCode(activation.Status, activation.Messages.Count > 0);
}
