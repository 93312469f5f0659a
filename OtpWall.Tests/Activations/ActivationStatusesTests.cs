using OtpWall.Core.Activations;

namespace OtpWall.Tests.Activations;

public sealed class ActivationStatusesTests
{
    [Theory]
    [InlineData("waiting", ActivationStatus.Waiting)]
    [InlineData("PENDING", ActivationStatus.Waiting)]
    [InlineData("received", ActivationStatus.Received)]
    [InlineData("Ok", ActivationStatus.Received)]
    [InlineData("complete", ActivationStatus.Completed)]
    [InlineData("COMPLETED", ActivationStatus.Completed)]
    [InlineData("finished", ActivationStatus.Completed)]
    [InlineData("done", ActivationStatus.Completed)]
    [InlineData("cancel", ActivationStatus.Cancelled)]
    [InlineData("cancelled", ActivationStatus.Cancelled)]
    [InlineData("Canceled", ActivationStatus.Cancelled)]
    [InlineData("expired", ActivationStatus.Expired)]
    [InlineData(" timeout ", ActivationStatus.Expired)]
    [InlineData("banned", ActivationStatus.Unknown)]
    [InlineData("", ActivationStatus.Unknown)]
    [InlineData(null, ActivationStatus.Unknown)]
    public void RawStatuses_MapAsTheApiNotesSay(string? raw, ActivationStatus expected) =>
        Assert.Equal(expected, ActivationStatuses.Parse(raw));

    [Theory]
    [InlineData(ActivationStatus.Waiting, false)]
    [InlineData(ActivationStatus.Received, false)]
    [InlineData(ActivationStatus.Unknown, false)]
    [InlineData(ActivationStatus.Completed, true)]
    [InlineData(ActivationStatus.Cancelled, true)]
    [InlineData(ActivationStatus.Expired, true)]
    public void OnlyCompletedCancelledAndExpired_AreFinal(ActivationStatus status, bool final) =>
        Assert.Equal(final, status.IsFinal());

    [Fact]
    public void ContractNames_AreExactlyTheDataStatusValuesOfTheContract() =>
        Assert.Equal(
            ["buying", "cancelled", "completed", "expired", "outcome-unknown", "received", "unknown", "waiting"],
            Enum.GetValues<ActivationStatus>().Select(s => s.ToContractName()).Order());

    [Fact]
    public void ContractNames_ReadBackToTheirStatus()
    {
        Assert.All(Enum.GetValues<ActivationStatus>(), s => Assert.Equal(s, ActivationStatuses.FromContractName(s.ToContractName())));
        Assert.Null(ActivationStatuses.FromContractName("refunded"));
        Assert.Null(ActivationStatuses.FromContractName(null));
    }
}
