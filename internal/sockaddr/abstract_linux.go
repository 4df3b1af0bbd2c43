package sockaddr

// abstractNames: Linux has an abstract socket namespace ("@name").
const abstractNames = true
