namespace OtpWall.Dashboard.Components.Pages.ApiKeys;

public partial class ApiKeyPage
{
    [LoggerMessage(LogLevel.Error, "Saving an API key failed")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "Removing an API key failed")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception);
}
