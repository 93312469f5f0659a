namespace OtpWall.Dashboard.Components.Pages.Buy;

public partial class BuyPage
{
    [LoggerMessage(LogLevel.Error, "Buying a number failed unexpectedly")]
    private static partial void LogBuyFailed(ILogger logger, Exception exception);
}
