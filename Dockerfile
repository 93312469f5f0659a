# OTPWALL Dashboard: build and publish with the SDK, run on the ASP.NET runtime as its non-root user.
# docker build -t otpwall-dashboard .   ·   see compose.yaml and the README's "Deploying" section.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Published for the image's own architecture, precompiled (ReadyToRun): the dashboard starts about a third faster.
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files alone, so the layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig appsettings.json ./
COPY OtpWall.Core/OtpWall.Core.csproj OtpWall.Core/
COPY OtpWall.Sandbox/OtpWall.Sandbox.csproj OtpWall.Sandbox/
COPY OtpWall.Dashboard/OtpWall.Dashboard.csproj OtpWall.Dashboard/
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && dotnet restore OtpWall.Dashboard/OtpWall.Dashboard.csproj -r "$rid" -p:PublishReadyToRun=true
COPY OtpWall.Core/ OtpWall.Core/
COPY OtpWall.Sandbox/ OtpWall.Sandbox/
COPY OtpWall.Dashboard/ OtpWall.Dashboard/
RUN rid=linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64) \
 && dotnet publish OtpWall.Dashboard/OtpWall.Dashboard.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1 \
    OtpWall__DataDirectory=/data \
    OtpWall__Sandbox__Enabled=false
# The one writable place: the database and the Data Protection key ring. A named volume takes this owner.
RUN mkdir -p /data && chown "$APP_UID" /data
VOLUME ["/data"]
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
# The app answers its own probe: no shell or curl needed in the image.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["dotnet", "OtpWall.Dashboard.dll", "--probe"]
ENTRYPOINT ["dotnet", "OtpWall.Dashboard.dll"]
